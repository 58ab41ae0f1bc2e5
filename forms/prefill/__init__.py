"""Answers a new dossier starts with so the officer does not retype them (docs/retyping.md)."""
