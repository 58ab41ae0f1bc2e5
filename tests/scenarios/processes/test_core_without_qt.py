"""Importing every module of the core, the sync engine and the form language in a fresh process loads no Qt
(tests/unit/test_layering.py reads the imports; this runs them)."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import REPO

CORE_PACKAGES = ("kiosk", "sync", "forms")


def test_no_pyside_import_in_core_sources() -> None:
    offenders = []
    for package in CORE_PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            if re.search(r"^\s*(import|from)\s+(PySide6|shiboken6|PyQt\d)\b", path.read_text(encoding="utf-8"), re.M):
                offenders.append(str(path.relative_to(REPO)))
    assert offenders == []


def test_importing_every_core_module_loads_no_qt() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        f"for pkg in {CORE_PACKAGES!r}:\n"
        "    mod = importlib.import_module(pkg)\n"
        "    for info in pkgutil.walk_packages(mod.__path__, pkg + '.'):\n"
        "        if '.migrations' in info.name: continue\n"
        "        importlib.import_module(info.name)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'ui')]\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
