"""Procedure definitions (data). The loader lives in forms.catalogue; this package only locates the files."""

from pathlib import Path

FORMS_DIR = Path(__file__).resolve().parent
PROCEDURES_DIR = FORMS_DIR / "procedures"
COMMON_DIR = FORMS_DIR / "common"
CHOICES_DIR = FORMS_DIR / "choices"
SCHEMA_PATH = FORMS_DIR / "schema.json"
