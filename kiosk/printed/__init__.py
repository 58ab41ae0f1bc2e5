"""kiosk/printed."""
