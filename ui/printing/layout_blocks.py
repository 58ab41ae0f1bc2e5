"""Paragraph blocks over a receipt_layout ``Composer`` that the 2025 receipt and the notices share: two labelled values
on one line, and a numbered item with a hanging indent."""

from __future__ import annotations

from collections.abc import Sequence

from ui.printing.receipt_layout import BLANK, Composer, Run


def pair(c: Composer, first: tuple[str, str], second: tuple[str, str], bold_first: bool = False) -> None:
    """Two labelled values in one paragraph ("Số điện thoại: …  Email: …"); no-break spaces keep the second label
    with its value when it wraps."""
    s = c.style
    body, strong = c.font(s.body), c.font(s.body, bold=True)
    (label1, value1), (label2, value2) = first, second
    label2 = label2.replace(" ", "\u00a0")  # the second label wraps as a whole, never "Số định / danh"
    c.paragraph([
        (label1, body), (value1.strip() or BLANK, strong if bold_first else body),
        (f"\u2003\u2003{label2}", body), (value2.strip() or BLANK, body),
    ])


def list_item(c: Composer, number: str, runs: Sequence[Run], indent_pt: float = 0.0) -> None:
    """A numbered paragraph with a hanging indent: ``number`` in its own column, the text wrapping under the text,
    not under the number ("1.  Trích lục …")."""
    x0 = indent_pt * c.u
    label_font = c.font(c.style.body)
    column = c.text_width("00. ", label_font)
    top = c.y
    c.paragraph([(number, label_font)], gap=0.0, x=x0, width=column)
    c.y = top
    c.paragraph(runs, x=x0 + column, width=c.width - x0 - column)
