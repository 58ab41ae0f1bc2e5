"""Qt widgets of the kiosk; the only package that imports PySide6."""
