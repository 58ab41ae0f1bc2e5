"""Guards against a broken Qt binding: PySide6-Essentials 6.12.0 on CPython 3.11 drops a reference to None
on every void method call, and the interpreter aborts ("none_dealloc") after a few thousand calls."""

from __future__ import annotations

import sys

from PySide6.QtCore import QPointF


def test_void_qt_calls_do_not_leak_references_to_none() -> None:
    point = QPointF()
    before = sys.getrefcount(None)
    for _ in range(200):
        point.setX(1.0)
    assert before - sys.getrefcount(None) < 50
