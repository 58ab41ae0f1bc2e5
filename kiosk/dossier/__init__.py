"""kiosk/dossier."""
