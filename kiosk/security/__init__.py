"""kiosk/security."""
