"""Helpers that save the officer retyping (docs/retyping.md): dates as 8 digits, "same as the submitter",
"same address as …", and the site's defaults. Kept out of ui/pages (full at 20 modules) and out of wizard.py."""
