"""kiosk/admin."""
