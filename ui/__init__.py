"""The interfaces people use, and the only package that imports PySide6: the officer's window (window/, pages/, operations/, printing/) and kiosk-admin (admin/)."""
