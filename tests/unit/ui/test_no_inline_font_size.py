"""No text size written inline in the UI's Python code: a `font-size` (or `font:` shorthand) set with setStyleSheet
would escape the site's large-text setting, which scales the sizes of assets/style.qss (ui/window/screen.py). A
widget that needs its own size gets an object name and a rule in assets/style.qss."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

UI = Path(__file__).resolve().parents[3] / "ui"
SCALER = UI / "window" / "screen.py"  # the one place that rewrites the sizes
PRINTING = UI / "printing"  # paper, in points: the screen's text size does not apply
INLINE_SIZE = re.compile(r"font-size\s*:|\bfont\s*:[^;\"']*(px|pt)\b", re.IGNORECASE)


def inline_sizes(source: str, name: str) -> list[str]:
    """`name:line: string` for every string literal of the Python `source` that sets a text size."""
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in (tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", -1)) and INLINE_SIZE.search(token.string):
            found.append(f"{name}:{token.start[0]}: {token.string}")
    return found


def test_no_text_size_is_set_inline_in_the_ui() -> None:
    found = [hit for path in sorted(UI.rglob("*.py")) if path != SCALER and PRINTING not in path.parents
             for hit in inline_sizes(path.read_text(encoding="utf-8"), str(path.relative_to(UI.parent)))]
    assert not found, "text sizes belong in assets/style.qss (large text scales them there):\n" + "\n".join(found)


def test_the_check_sees_an_inline_size() -> None:
    assert inline_sizes('label.setStyleSheet("color: #555; font-size: 13px;")\n', "x.py")
    assert inline_sizes('BIG = f"font: bold {n}px Noto Sans"\n', "x.py")
    assert not inline_sizes('label.setStyleSheet("color: #555;")  # font-size: in a comment\n', "x.py")
