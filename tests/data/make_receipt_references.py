"""Reference reprints of the dossiers in tests/data/*-site, drawn by the release that only knew the 2018 receipt.

Run once, with commit cb691a7 (the last release whose receipt is the Circular 01/2018 form 01):

    QT_QPA_PLATFORM=offscreen python tests/data/make_receipt_references.py

For every received dossier of each site folder (opened from a copy, so the folder itself is never upgraded
here) it writes, under tests/data/receipt-references/<site>/:
- <code>.<paper>.txt: the text pypdfium2 reads from each page of the reprint's PDF (pages split by a form feed);
- <code>.<paper>.png: page 1 (Liên 1) rendered by pypdfium2 at 150 dpi, greyscale.
The reprint is dated PRINTED_AT, so a later release reprinting at the same time must give the same text and
the same pixels (tests/scenarios/processes/test_receipt_reprint_references.py).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

# v0001-site predates the receipt key: the upgrade makes one at random. The references use this one instead, put
# in the copy before it is opened (reference_receipt_key), so the QR and the tracking line can be compared.
V0001_RECEIPT_KEY = bytes.fromhex("5f1c0d9e8b7a69584736251403f2e1d0c0b1a2938475665748392a1b0c0d0e0f")
PRINTED_AT = datetime(2026, 12, 6, 2, 0, tzinfo=timezone.utc)  # 09:00 on 6 December 2026 in Vietnam
SITES = ("v0001-site", "v0004-site")
PAPERS = ("A4", "A5")
DPI = 150


def place_reference_receipt_key(root: Path) -> None:
    """Give a copy of a site folder without a receipt key the fixed reference key (a no-op for the others)."""
    key = root / "keys" / "receipt.key"
    if not key.exists():
        key.parent.mkdir(parents=True, exist_ok=True)
        key.write_bytes(V0001_RECEIPT_KEY)
        key.chmod(0o600)


def main() -> None:
    import pypdfium2
    from PySide6.QtWidgets import QApplication
    from sqlalchemy import select

    from kiosk.printed.load import receipt_data
    from kiosk.storage.context import open_kiosk
    from kiosk.storage.models import Dossier
    from ui.printing.receipt_render import render_pdf

    app = QApplication.instance() or QApplication([])  # noqa: F841 - fonts need a GUI application
    out_root = REPO / "tests" / "data" / "receipt-references"
    for site in SITES:
        out = out_root / site
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "site"
            shutil.copytree(REPO / "tests" / "data" / site, root)
            (root / "logs").mkdir(exist_ok=True)
            place_reference_receipt_key(root)
            ctx = open_kiosk(root)
            with ctx.transaction() as session:
                dossiers = session.scalars(select(Dossier).where(Dossier.code.is_not(None)).order_by(Dossier.code)).all()
                receipts = [receipt_data(ctx, d, reprint=True, printed_at=PRINTED_AT) for d in dossiers]
            for data in receipts:
                for paper in PAPERS:
                    pdf_path = Path(tmp) / f"{data.dossier_code}.{paper}.pdf"
                    render_pdf(data, pdf_path, paper=paper)
                    pdf = pypdfium2.PdfDocument(str(pdf_path))
                    texts = [pdf[i].get_textpage().get_text_range().replace("\r\n", "\n") for i in range(len(pdf))]
                    (out / f"{data.dossier_code}.{paper}.txt").write_text("\f".join(texts), encoding="utf-8")
                    image = pdf[0].render(scale=DPI / 72, grayscale=True).to_pil()
                    image.save(out / f"{data.dossier_code}.{paper}.png", optimize=True)
                    pdf.close()
                print(site, data.dossier_code)
            ctx.close()


if __name__ == "__main__":
    main()
