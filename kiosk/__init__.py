"""Một Cửa Kiosk domain core: no Qt here (tests/test_layering.py enforces it)."""

__version__ = "0.1.0"
