"""PyInstaller entry point of `kiosk-admin` (headless administration)."""

import sys

from ui.admin.cli import main

if __name__ == "__main__":
    sys.exit(main())
