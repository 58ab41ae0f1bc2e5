"""Rooms stay rooms: no module of the code packages over 500 lines, no package folder with more than 20 modules,
and the officer's main window only navigates (under 300 lines; its work is in ui/operations and ui/pages)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CODE_PACKAGES = ("forms", "kiosk", "sync", "ui", "portal")


def _modules() -> list[Path]:
    return [p for package in CODE_PACKAGES for p in sorted((REPO / package).rglob("*.py")) if "__pycache__" not in p.parts]


def test_no_module_over_500_lines() -> None:
    long = {str(p.relative_to(REPO)): n for p in _modules() if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert long == {}


def test_no_package_folder_with_more_than_20_modules() -> None:
    folders = {p.parent for p in _modules()}
    crowded = {str(f.relative_to(REPO)): n for f in folders if (n := len(list(f.glob("*.py")))) > 20}
    assert crowded == {}


def test_the_main_window_only_navigates() -> None:
    assert len((REPO / "ui" / "window" / "main_window.py").read_text(encoding="utf-8").splitlines()) < 300


def test_every_module_says_what_it_is() -> None:
    import ast

    silent = [str(p.relative_to(REPO)) for p in _modules() if p.stat().st_size and not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))]
    assert silent == []
