"""The receipt's layout primitives: a ``Composer`` lays out one copy in layout units and records the QPainter operations.

``receipt_painter.paint_receipt`` picks the type sizes (``Style``) that fit the page and replays the
recorded operations on the device. Each layout version composes its form from these blocks, top to
bottom: ``layout_tt01_2018`` (frozen: old dossiers reprint with it) and ``layout_tt03_2025``. The blocks
the 2018 form uses draw exactly what they drew for it: a change here must keep
tests/scenarios/processes/test_receipt_reprint_references.py green.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QPainter,
    QPainterPath,
    QPen,
    QTextCharFormat,
    QTextLayout,
    QTextOption,
    QTransform,
)

from kiosk.printed.receipt import (
    TITLE,
    ReceiptData,
    ReceiptDocument,
    reprint_mark,
    vn_date_line,
)

FAMILY = "Noto Serif"
_A4_WIDTH_PT = (210 - 30) * 72 / 25.4  # content width with 15 mm margins
_A5_WIDTH_PT = (148 - 30) * 72 / 25.4
_QUIET_MODULES = 4
BLANK = "………………"  # an empty field keeps its dotted line, as on the paper form

Run = tuple[str, QFont]
Op = Callable[[QPainter], None]


@dataclass(frozen=True)
class Style:
    """Type sizes and spacing in points for one layout attempt."""

    body: float
    header: float
    motto: float
    title: float
    code: float
    table: float
    small: float
    qr_symbol_mm: float
    para_gap: float
    sign_gap: float

    @classmethod
    def for_width(cls, width_pt: float, scale: float, table_scale: float) -> Style:
        """Sizes for a content ``width_pt`` wide: A5 at one end, A4 at the other."""
        k = min(1.0, max(0.0, (width_pt - _A5_WIDTH_PT) / (_A4_WIDTH_PT - _A5_WIDTH_PT)))

        def size(a5: float, a4: float) -> float:
            return (a5 + (a4 - a5) * k) * scale

        return cls(
            body=size(9, 12.5),
            header=size(8.3, 12),
            motto=size(9, 13),
            title=size(11, 15),
            code=size(9.5, 13.5),
            table=size(8.5, 11.5) / scale * table_scale,
            small=size(7.2, 10),
            qr_symbol_mm=24 + 4.5 * k,  # never shrunk: it has to scan
            para_gap=size(1.2, 3),
            sign_gap=size(30, 62),
        )


def _option(align: Qt.AlignmentFlag) -> QTextOption:
    option = QTextOption(align)
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    # Design metrics: glyph advances independent of the device's resolution, so a 110 dpi
    # preview wraps every line exactly where the 300 dpi PDF does.
    option.setUseDesignMetrics(True)
    return option


class Composer:
    """Lays out one copy top to bottom in layout units (LAYOUT_DPI), collecting draw operations."""

    def __init__(self, device, dpi: float, width: float, style: Style, raster: bool) -> None:
        self.device = device
        self.u = dpi / 72.0  # layout units per point
        self.mm = dpi / 25.4
        self.width = width
        self.style = style
        self.raster = raster
        self.y = 0.0
        self.ops: list[Op] = []
        self.exclude_bottom = 0.0  # the QR column on the right, down to this y
        self.exclude_width = 0.0

    # -- fonts and text -------------------------------------------------------------------
    def font(self, pt: float, bold: bool = False, italic: bool = False) -> QFont:
        font = QFont(FAMILY)
        font.setPointSizeF(pt)
        font.setBold(bold)
        font.setItalic(italic)
        font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
        return font

    def text_width(self, text: str, font: QFont) -> float:
        layout = QTextLayout(text, font, self.device)
        layout.setTextOption(_option(Qt.AlignmentFlag.AlignLeft))
        layout.beginLayout()
        line = layout.createLine()
        line.setLineWidth(1e9)
        layout.endLayout()
        return line.naturalTextWidth()

    def fitted(self, text: str, font: QFont, width: float, min_pt: float) -> QFont:
        """``font`` shrunk (not below ``min_pt``) until ``text`` fits ``width`` on one line."""
        pt = font.pointSizeF()
        while pt > min_pt and self.text_width(text, font) > width:
            pt = max(min_pt, pt - 0.25)
            font = QFont(font)
            font.setPointSizeF(pt)
        return font

    def line_count(self, text: str, font: QFont, width: float) -> int:
        layout = QTextLayout(text, font, self.device)
        layout.setTextOption(_option(Qt.AlignmentFlag.AlignLeft))
        layout.beginLayout()
        count = 0
        while (line := layout.createLine()).isValid():
            line.setLineWidth(width)
            count += 1
        layout.endLayout()
        return count

    def heading_font_and_width(self, text: str, font: QFont, width: float,
                               min_factor: float) -> tuple[QFont, float]:
        """A heading on one line, shrunk a little if that is enough; else wrapped into balanced
        lines ("ỦY BAN NHÂN DÂN / XÃ TÂN HƯNG", not a lone last word): the font and the width."""
        fitted = self.fitted(text, font, width, font.pointSizeF() * min_factor)
        if self.text_width(text, fitted) <= width:
            return fitted, width
        lines = self.line_count(text, font, width)
        lo, hi = width / lines, width
        for _ in range(12):
            mid = (lo + hi) / 2
            if self.line_count(text, font, mid) > lines:
                lo = mid
            else:
                hi = mid
        return font, hi

    def lay_out(
        self,
        runs: Sequence[Run],
        y: float,
        x: float = 0.0,
        width: float | None = None,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
        flow_around_qr: bool = True,
    ) -> tuple[QTextLayout, float]:
        """A wrapped paragraph of styled runs starting at ``y``; returns it and its bottom."""
        text = "".join(t for t, _ in runs)
        base = runs[0][1]
        layout = QTextLayout(text, base, self.device)
        layout.setTextOption(_option(align))
        ranges, start = [], 0
        for part, font in runs:
            if font != base and part:
                fr = QTextLayout.FormatRange()
                fr.start, fr.length = start, len(part)
                fmt = QTextCharFormat()
                fmt.setFont(font)
                fr.format = fmt
                ranges.append(fr)
            start += len(part)
        layout.setFormats(ranges)
        full = self.width - x if width is None else width
        layout.beginLayout()
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line_width = full
            if flow_around_qr and y < self.exclude_bottom:
                line_width = min(full, self.width - self.exclude_width - x)
            line.setLineWidth(line_width)
            line.setPosition(QPointF(x, y))
            y += line.height()
        layout.endLayout()
        return layout, y

    def paragraph(self, runs: Sequence[Run], gap: float | None = None, **kw) -> None:
        layout, bottom = self.lay_out(runs, self.y, **kw)
        self.ops.append(lambda p, lay=layout: lay.draw(p, QPointF(0, 0)))
        self.y = bottom + (self.style.para_gap * self.u if gap is None else gap)

    def rule(self, x1: float, x2: float, y: float, width_pt: float = 0.6) -> None:
        pen = QPen(QColor(Qt.GlobalColor.black), width_pt * self.u)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        self.ops.append(lambda p: (p.setPen(pen), p.drawLine(QPointF(x1, y), QPointF(x2, y))))

    # -- blocks ---------------------------------------------------------------------------
    def header(self, data: ReceiptData, number_line: str = "") -> None:
        """The two header blocks; ``number_line`` (the 2025 form's "Số: …") goes under the left one's rule."""
        self.header_blocks(data.agency_name, data.place_name, data.received_local.date(), number_line)

    def header_blocks(self, agency_name: str, place_name: str, day: date, number_line: str = "") -> None:
        """The header of every paper the counter prints: the agency and "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ" on the
        left (then ``number_line``), the national name, the motto and "<place>, ngày … tháng … năm …" on the right."""
        s, u = self.style, self.u
        left_w = self.width * 0.4
        right_x = left_w + self.width * 0.03  # a gutter between the two header blocks
        right_w = self.width - right_x
        centered = Qt.AlignmentFlag.AlignHCenter

        # Left: the agency, the receiving unit in bold, a short rule under it.
        y = 0.0
        agency_text = agency_name.strip().upper()
        agency, w = self.heading_font_and_width(agency_text, self.font(s.header), left_w, 0.92)
        layout, y = self.lay_out([(agency_text, agency)], y, (left_w - w) / 2, w, centered)
        self._keep(layout)
        unit_text = "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"
        unit, w = self.heading_font_and_width(
            unit_text, self.font(s.header, bold=True), left_w, 0.85
        )
        layout, y = self.lay_out([(unit_text, unit)], y, (left_w - w) / 2, w, centered)
        self._keep(layout)
        rule_w = min(w, self.text_width(unit_text, unit)) * 0.4
        self.rule((left_w - rule_w) / 2, (left_w + rule_w) / 2, y + 3 * u)
        left_bottom = y + 3 * u
        if number_line:
            layout, left_bottom = self.lay_out(
                [(number_line, self.font(s.body))], y + 8 * u, 0.0, left_w, centered
            )
            self._keep(layout)

        # Right: national name and motto, the motto underlined full length, then place and date.
        y = 0.0
        nation_text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        nation = self.fitted(nation_text, self.font(s.header, bold=True), right_w, s.header * 0.8)
        layout, y = self.lay_out([(nation_text, nation)], y, right_x, right_w, centered)
        self._keep(layout)
        motto_text = "Độc lập - Tự do - Hạnh phúc"
        motto = self.fitted(motto_text, self.font(s.motto, bold=True), right_w, s.motto * 0.8)
        layout, y = self.lay_out([(motto_text, motto)], y, right_x, right_w, centered)
        self._keep(layout)
        motto_w = min(right_w, self.text_width(motto_text, motto))
        mid = right_x + right_w / 2
        self.rule(mid - motto_w / 2, mid + motto_w / 2, y + 3 * u)
        y += 8 * u
        date_line = vn_date_line(place_name, day)
        layout, y = self.lay_out(
            [(date_line, self.font(s.body, italic=True))], y, right_x, right_w, centered
        )
        self._keep(layout)
        self.y = max(left_bottom, y) + s.body * 0.9 * u

    def _keep(self, layout: QTextLayout) -> None:
        self.ops.append(lambda p, lay=layout: lay.draw(p, QPointF(0, 0)))

    def title(self, text: str = TITLE) -> None:
        """The form's title, centred on one line, shrunk (to three quarters) rather than wrapped."""
        s = self.style
        title = self.fitted(text, self.font(s.title, bold=True), self.width, s.title * 0.75)
        self.paragraph(
            [(text, title)], gap=s.body * 0.7 * self.u, align=Qt.AlignmentFlag.AlignHCenter
        )

    def code_and_qr(self, data: ReceiptData, copy_label: str, matrix: list[list[bool]]) -> None:
        s, u = self.style, self.u
        n = len(matrix)
        module = s.qr_symbol_mm * self.mm / n
        box = module * (n + 2 * _QUIET_MODULES)  # the reserved square, quiet zone included
        top = self.y
        caption = "Quét mã để tra cứu"
        cap_layout, cap_bottom = self.lay_out(
            [(caption, self.font(s.small * 0.9, italic=True))],
            top + box,
            self.width - box,
            box,
            Qt.AlignmentFlag.AlignHCenter,
            flow_around_qr=False,
        )
        self.exclude_width = box + 3 * u
        self.exclude_bottom = cap_bottom
        self.ops.append(lambda p: self._draw_qr(p, matrix, self.width - box, top, box))
        self._keep(cap_layout)

        self.paragraph(
            [("Mã hồ sơ: ", self.font(s.code)), (data.dossier_code, self.font(s.code, bold=True))],
            gap=s.para_gap * u,
        )
        if copy_label:  # the 2025 form without the site's "Liên" marker has none
            self.paragraph([(f"({copy_label})", self.font(s.body, italic=True))])
        mark = reprint_mark(data)
        if mark:
            self.reprint_box(mark)

    def reprint_box(self, mark: str) -> None:
        s, u = self.style, self.u
        font = self.font(s.body, bold=True)
        pad = 2.5 * u
        self.y += pad
        layout, bottom = self.lay_out([(mark, font)], self.y + pad, pad)
        width = max(layout.lineAt(i).naturalTextWidth() for i in range(layout.lineCount()))
        pen = QPen(QColor(Qt.GlobalColor.black), 1.2 * u)
        half = pen.widthF() / 2
        rect = QRectF(half, self.y, width + 2 * pad - half, bottom - self.y + pad)
        self.ops.append(
            lambda p: (p.setPen(pen), p.setBrush(Qt.BrushStyle.NoBrush), p.drawRect(rect))
        )
        self._keep(layout)
        self.y = rect.bottom() + s.para_gap * 2 * u

    def _draw_qr(self, p: QPainter, matrix: list[list[bool]], x: float, y: float,
                 box: float) -> None:
        n = len(matrix)
        p.save()
        if self.raster:
            # On a pixel device, whole pixels per module keep every module the same size; the
            # symbol stays centred in its reserved box, so the layout is the PDF's.
            device_box = p.worldTransform().mapRect(QRectF(x, y, box, box))
            module = device_box.width() / (n + 2 * _QUIET_MODULES)
            if module >= 1:
                module = math.floor(module)
            size = module * (n + 2 * _QUIET_MODULES)
            x = round(device_box.x() + (device_box.width() - size) / 2)
            y = round(device_box.y() + (device_box.height() - size) / 2)
            p.setWorldTransform(QTransform())
        else:
            module = box / (n + 2 * _QUIET_MODULES)
            size = box
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.fillRect(QRectF(x, y, size, size), Qt.GlobalColor.white)
        # One path of merged horizontal runs, filled at once: no hairline seams between modules.
        path = QPainterPath()
        path.setFillRule(Qt.FillRule.WindingFill)
        ox, oy = x + _QUIET_MODULES * module, y + _QUIET_MODULES * module
        for r, row in enumerate(matrix):
            c = 0
            while c < n:
                if row[c]:
                    start = c
                    while c < n and row[c]:
                        c += 1
                    path.addRect(QRectF(ox + start * module, oy + r * module,
                                        (c - start) * module, module))
                else:
                    c += 1
        p.fillPath(path, QColor(Qt.GlobalColor.black))
        p.restore()

    draw_qr = _draw_qr  # the 80 mm layout centres the symbol itself (receipt_thermal)

    def field(self, label: str, value: str, bold_value: bool = False) -> None:
        s = self.style
        value_font = self.font(s.body, bold=bold_value)
        self.paragraph([(label, self.font(s.body)), (value.strip() or BLANK, value_font)])

    def documents_table(self, data: ReceiptData, kind_header: str = "Hình thức",
                        kind_text: Callable[[ReceiptDocument], str] | None = None,
                        kind_cap: float = 0.3) -> None:
        """The documents table: STT, name, kind (or, on the 2025 form, the way: ``kind_text``), quantity."""
        s, u = self.style, self.u

        def kind_of(doc: ReceiptDocument) -> str:
            return (kind_text(doc) if kind_text else doc.kind_label).strip()

        self.y = max(self.y, self.exclude_bottom)  # the table always spans the full width
        pad = max(3.0, 4.0 * s.table / 11.5) * u
        vpad = max(1.5, 2.5 * s.table / 11.5) * u
        head = self.font(s.table, bold=True)
        cell = self.font(s.table)
        centered, left = Qt.AlignmentFlag.AlignHCenter, Qt.AlignmentFlag.AlignLeft

        # Number, kind and quantity columns as narrow as their content; names get the rest.
        def natural(header: str, values: list[str], cap: float) -> float:
            widest = max([self.text_width(header, head)]
                         + [self.text_width(v, cell) for v in values])
            return min(widest + 2 * pad + u, cap * self.width)

        docs = data.documents
        widths = [
            natural("STT", [str(len(docs))], 0.1),
            0.0,
            natural(kind_header, [kind_of(d) for d in docs], kind_cap),
            natural("Số lượng", [f"{d.quantity:02d}" for d in docs], 0.14),
        ]
        widths[1] = self.width - sum(widths)
        xs = [0.0]
        for w in widths:
            xs.append(xs[-1] + w)
        rows: list[list[tuple[str, QFont, Qt.AlignmentFlag]]] = [
            [("STT", head, centered), ("Tên giấy tờ", head, centered),
             (kind_header, head, centered), ("Số lượng", head, centered)]
        ]
        for i, doc in enumerate(data.documents, 1):
            rows.append([
                (str(i), cell, centered),
                (doc.name.strip() or BLANK, cell, left),
                (kind_of(doc) or BLANK, cell, centered),
                (f"{doc.quantity:02d}", cell, centered),
            ])
        if not data.documents:
            rows.append([("", cell, centered), ("Không có giấy tờ kèm theo", cell, left),
                         ("", cell, centered), ("", cell, centered)])
        top = y = self.y
        h_lines = [y]
        for row in rows:
            laid = []
            for col, (text, font, align) in enumerate(row):
                layout, bottom = self.lay_out(
                    [(text, font)], 0, xs[col] + pad, xs[col + 1] - xs[col] - 2 * pad, align,
                    flow_around_qr=False,
                )
                laid.append((layout, bottom))
            row_h = max(b for _, b in laid) + 2 * vpad
            for layout, bottom in laid:
                dy = y + (row_h - bottom) / 2
                self.ops.append(lambda p, lay=layout, d=dy: lay.draw(p, QPointF(0, d)))
            y += row_h
            h_lines.append(y)
        pen = QPen(QColor(Qt.GlobalColor.black), 0.6 * u)

        # The outer strokes sit inside the content width, not half a pen outside it.
        half = pen.widthF() / 2
        xs[0], xs[-1] = half, self.width - half

        def grid(p: QPainter, h_lines=tuple(h_lines), xs=tuple(xs), top=top, bottom=y) -> None:
            p.setPen(pen)
            for hy in h_lines:
                p.drawLine(QPointF(xs[0], hy), QPointF(xs[-1], hy))
            for vx in xs:
                p.drawLine(QPointF(vx, top), QPointF(vx, bottom))

        self.ops.append(grid)
        self.y = y + s.para_gap * 2 * u

    def signatures(self, data: ReceiptData, officer_note: str = "") -> None:
        """Both signature columns; ``officer_note`` (the 2025 form's digital-signature note) under the officer's."""
        self.signature_columns((
            Signature("NGƯỜI NỘP HỒ SƠ"),
            Signature("NGƯỜI TIẾP NHẬN HỒ SƠ", note=officer_note, name=data.officer_name),
        ))

    def signature_columns(self, columns: Sequence[Signature]) -> None:
        """Signature columns side by side, each half the width: the role in bold, its hint in italics, an optional
        note, the space to sign and the printed name. One column sits in the right half, as a single signer's does
        on an administrative paper."""
        s, u = self.style, self.u
        self.y = max(self.y, self.exclude_bottom) + s.body * 0.6 * u
        half = self.width / 2
        centered = Qt.AlignmentFlag.AlignHCenter
        first = 1 if len(columns) == 1 else 0
        bottoms = []
        for i, column in enumerate(columns, first):
            x = i * half
            role_font = self.font(s.body, bold=True)
            role, w = self.heading_font_and_width(column.role, role_font, half, 0.9)
            layout, y = self.lay_out([(column.role, role)], self.y, x + (half - w) / 2, w, centered)
            self._keep(layout)
            layout, y = self.lay_out([(column.hint, self.font(s.body, italic=True))], y, x, half, centered)
            self._keep(layout)
            if column.note:
                note, w = self.heading_font_and_width(column.note, self.font(s.small, italic=True), half, 0.9)
                layout, y = self.lay_out([(column.note, note)], y, x + (half - w) / 2, w, centered)
                self._keep(layout)
            bottoms.append(y)
        y = max(bottoms) + s.sign_gap * u
        name_bottom = y
        for i, column in enumerate(columns, first):
            if column.name.strip():
                name_font = self.font(s.body, bold=True)
                layout, bottom = self.lay_out([(column.name.strip(), name_font)], y, i * half, half, centered)
                self._keep(layout)
                name_bottom = max(name_bottom, bottom)
        self.y = name_bottom


@dataclass(frozen=True)
class Signature:
    """One signature column: "NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)", an optional note, the printed name."""

    role: str
    hint: str = "(Ký và ghi rõ họ tên)"
    note: str = ""
    name: str = ""
