"""An old dossier reprints as it was printed: the data folders under tests/data upgrade, and a reprint of each of
their dossiers gives the text and the 150 dpi pixels that the release which received them drew
(tests/data/receipt-references, made by tests/data/make_receipt_references.py with commit cb691a7, the last
release that knew only the Circular 01/2018 receipt). The reprint is dated as the references were, so nothing
may differ at all."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from conftest import REPO

sys.path.insert(0, str(REPO / "tests" / "data"))
from make_receipt_references import DPI, PAPERS, PRINTED_AT, SITES, place_reference_receipt_key  # noqa: E402

REFERENCES = REPO / "tests" / "data" / "receipt-references"


def _reprints(site: str, tmp_path: Path) -> list:
    from kiosk.printed.load import receipt_data
    from kiosk.storage.context import open_kiosk
    from kiosk.storage.models import Dossier

    root = tmp_path / site
    shutil.copytree(REPO / "tests" / "data" / site, root)
    for path in [root, *root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    (root / "logs").mkdir(exist_ok=True)
    place_reference_receipt_key(root)
    ctx = open_kiosk(root)
    try:
        with ctx.transaction() as session:
            dossiers = session.scalars(select(Dossier).where(Dossier.code.is_not(None)).order_by(Dossier.code)).all()
            return [receipt_data(ctx, d, reprint=True, printed_at=PRINTED_AT) for d in dossiers]
    finally:
        ctx.close()


@pytest.mark.parametrize("site", SITES)
def test_every_old_dossier_reprints_with_the_same_text_and_pixels(site: str, tmp_path: Path, qapp) -> None:
    import pypdfium2
    from PIL import Image, ImageChops

    from ui.printing.receipt_render import render_pdf

    receipts = _reprints(site, tmp_path)
    expected_codes = sorted(p.name.split(".A4.txt")[0] for p in (REFERENCES / site).glob("*.A4.txt"))
    assert [r.dossier_code for r in receipts] == expected_codes
    for data in receipts:
        for paper in PAPERS:
            pdf_path = tmp_path / f"{data.dossier_code}.{paper}.pdf"
            render_pdf(data, pdf_path, paper=paper)
            pdf = pypdfium2.PdfDocument(str(pdf_path))
            try:
                texts = [pdf[i].get_textpage().get_text_range().replace("\r\n", "\n") for i in range(len(pdf))]
                reference_text = (REFERENCES / site / f"{data.dossier_code}.{paper}.txt").read_text(encoding="utf-8")
                assert "\f".join(texts) == reference_text, f"{data.dossier_code} {paper}: the text changed"
                image = pdf[0].render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
            finally:
                pdf.close()
            reference = Image.open(REFERENCES / site / f"{data.dossier_code}.{paper}.png").convert("L")
            assert image.size == reference.size, f"{data.dossier_code} {paper}: the page size changed"
            box = ImageChops.difference(image, reference).getbbox()
            assert box is None, f"{data.dossier_code} {paper}: pixels differ inside {box}"
