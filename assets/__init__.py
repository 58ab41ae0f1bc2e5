"""Shipped fonts, icons and stylesheet; `asset_path` finds them in a checkout and in a PyInstaller bundle."""

from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parent


def asset_path(relative: str) -> Path:
    """Absolute path of a shipped asset, e.g. ``asset_path("fonts/NotoSans-Regular.ttf")``."""
    return ASSETS_DIR / relative
