"""What a screen scrolls where it should not, at the size it is shown (issue 13: no screen scrolls sideways at
1366x768, and only long lists and a paper's preview scroll up and down). Shared by the GUI walks."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QAbstractScrollArea, QScrollArea, QWidget


def _may_scroll_down(area: QAbstractScrollArea) -> bool:
    """A list or table (it grows with the data) or a paper's preview (a page taller than the screen)."""
    if isinstance(area, QAbstractItemView):
        return True
    inner = area.widget() if isinstance(area, QScrollArea) else None
    return inner is not None and inner.objectName().endswith("Preview")


def wrong_scroll_bars(widget: QWidget) -> list[str]:
    """Any sideways scroll bar shown in ``widget``; an up-and-down one on anything but a list or a preview."""
    wrong = []
    for area in widget.findChildren(QAbstractScrollArea):
        if not area.isVisibleTo(widget):
            continue
        name = f"{type(area).__name__} {area.objectName() or '(unnamed)'}"
        if area.horizontalScrollBar().isVisible():
            wrong.append(f"{name} scrolls sideways")
        if area.verticalScrollBar().isVisible() and not _may_scroll_down(area):
            wrong.append(f"{name} scrolls up and down")
    return wrong
