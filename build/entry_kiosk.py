"""PyInstaller entry point of `kiosk` (the officer's application)."""

import sys

from ui.window.app import main

if __name__ == "__main__":
    sys.exit(main())
