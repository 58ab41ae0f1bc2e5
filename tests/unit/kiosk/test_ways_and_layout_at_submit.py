"""Submit and amend under the 2025 rules: the way each checklist item was provided, its scans counted in pages, and
the layout version, channel and resolving agency the dossier keeps (docs/receipt-2025.md). No Qt."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from forms import formengine
from forms.received import ReceivedItem
from forms.samples import sample_values

MARRIAGE_STATUS = "1.004873"
COPY_CERTIFICATION = "2.000815"


def _image(path: Path, colour: str = "white") -> Path:
    Image.new("RGB", (40, 60), colour).save(path)
    return path


def _pdf(path: Path, pages: int) -> Path:
    images = [Image.new("RGB", (60, 80), "white") for _ in range(pages)]
    images[0].save(path, save_all=True, append_images=images[1:])
    return path


def _divorced(ctx) -> tuple:  # noqa: ANN001
    procedure = ctx.catalogue.get(MARRIAGE_STATUS)
    values = sample_values(procedure, seed=10, today=date.today())  # divorced, nothing issued before
    values["channel"] = "in_person"  # filed in person: no authorisation letter
    assert [d.id for d in formengine.required_documents(procedure, values)] == ["ban_an_ly_hon", "giay_to_tuy_than"]
    return procedure, values


def _dossier(ctx, code: str):  # noqa: ANN001, ANN202
    from sqlalchemy.orm import selectinload

    from kiosk.storage.models import Dossier

    with ctx.read() as session:
        return session.scalar(select(Dossier).where(Dossier.code == code)
                              .options(selectinload(Dossier.documents), selectinload(Dossier.attachments),
                                       selectinload(Dossier.outbox)))


def test_pages_count_an_image_as_one_and_a_pdf_as_its_pages(tmp_path: Path) -> None:
    from kiosk.dossier.attachments import count_pages
    from kiosk.errors import InputError

    assert count_pages(_image(tmp_path / "a.png")) == 1
    assert count_pages(_pdf(tmp_path / "b.pdf", 3)) == 3
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(InputError, match="Không đọc được tệp PDF"):
        count_pages(tmp_path / "broken.pdf")
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(InputError, match="ảnh .* hoặc tệp PDF"):
        count_pages(tmp_path / "notes.txt")


def test_three_pages_with_two_scanned_are_refused_in_vietnamese(ctx, officer, tmp_path: Path) -> None:
    from kiosk.dossier.attachments import store_scan
    from kiosk.dossier.submit import SubmitRefused, submit
    from kiosk.storage.models import Dossier

    procedure, values = _divorced(ctx)
    scans = tuple(store_scan(ctx.data.attachments_dir, _image(tmp_path / f"p{i}.png", c), ctx.file_key)
                  for i, c in enumerate(("white", "grey")))
    item = ReceivedItem(way="submitted", kind="certified_copy", page_count=3, scans=scans)
    documents = {"ban_an_ly_hon": item, "giay_to_tuy_than": 1}
    with pytest.raises(SubmitRefused) as refused:
        submit(ctx, procedure=procedure, values=values, officer=officer, documents=documents)
    message = refused.value.details["documents.ban_an_ly_hon"]
    assert message == ("Giấy tờ «Bản án, quyết định ly hôn đã có hiệu lực pháp luật (hoặc trích lục ghi chú ly hôn)» "
                       "có 3 trang nhưng mới quét 2 trang; hãy quét đủ hoặc sửa số trang.")
    with ctx.read() as session:
        assert session.scalar(select(Dossier).where(Dossier.code.is_not(None))) is None  # nothing written

    # A third page as a one-page PDF makes the set whole: 1 + 1 + 1.
    third = store_scan(ctx.data.attachments_dir, _pdf(tmp_path / "p3.pdf", 1), ctx.file_key)
    documents["ban_an_ly_hon"] = ReceivedItem(way="submitted", kind="certified_copy", page_count=3, scans=(*scans, third))
    code = submit(ctx, procedure=procedure, values=values, officer=officer, documents=documents).code
    dossier = _dossier(ctx, code)
    assert sorted(a.doc_id for a in dossier.attachments) == ["ban_an_ly_hon"] * 3


def test_no_scan_is_allowed_unless_the_site_requires_scans(ctx, officer) -> None:
    from kiosk.dossier.submit import SubmitRefused, submit

    procedure, values = _divorced(ctx)
    documents = {"ban_an_ly_hon": ReceivedItem(page_count=2), "giay_to_tuy_than": 1}
    assert submit(ctx, procedure=procedure, values=values, officer=officer, documents=documents).code
    ctx.adopt(settings=ctx.settings.with_changes(scan_required=True))
    with pytest.raises(SubmitRefused, match="có 2 trang nhưng chưa quét trang nào"):
        submit(ctx, procedure=procedure, values=values, officer=officer, documents=documents)


def test_a_shown_item_is_never_scanned(ctx, officer, tmp_path: Path) -> None:
    from kiosk.dossier.attachments import store_scan
    from kiosk.dossier.submit import SubmitRefused, submit

    procedure, values = _divorced(ctx)
    scan = store_scan(ctx.data.attachments_dir, _image(tmp_path / "id.png"), ctx.file_key)
    documents = {"ban_an_ly_hon": 1, "giay_to_tuy_than": ReceivedItem(way="shown", scans=(scan,))}
    with pytest.raises(SubmitRefused) as refused:
        submit(ctx, procedure=procedure, values=values, officer=officer, documents=documents)
    assert "chỉ xuất trình, không quét" in refused.value.details["documents.giay_to_tuy_than"]


def test_each_way_is_kept_on_the_rows_and_in_the_snapshot_and_a_bare_number_still_works(ctx, officer) -> None:
    from kiosk.dossier.amend import amend
    from kiosk.dossier.submit import submit

    procedure, values = _divorced(ctx)
    documents = {
        "ban_an_ly_hon": ReceivedItem(way="submitted", kind="original", quantity=2, page_count=4),
        "giay_to_tuy_than": ReceivedItem(way="looked_up", record_number="CSDLQG-0042"),
    }
    code = submit(ctx, procedure=procedure, values=values, officer=officer, documents=documents).code
    dossier = _dossier(ctx, code)
    rows = [(d.doc_id, d.way, d.kind, d.quantity, d.page_count, d.record_number) for d in dossier.documents]
    assert rows == [("ban_an_ly_hon", "submitted", "original", 2, 4, None),
                    ("giay_to_tuy_than", "looked_up", "shown", 1, None, "CSDLQG-0042")]
    assert dossier.layout_version == "tt03-2025" and dossier.channel == "in_person" and dossier.resolving_agency is None
    snapshot = dossier.outbox[0].snapshot
    assert snapshot["documents"][1] == {"doc_id": "giay_to_tuy_than", "name": dossier.documents[1].name, "kind": "shown",
                                        "quantity": 1, "way": "looked_up", "page_count": None, "record_number": "CSDLQG-0042"}

    # The old {doc_id: quantity} mapping: the item's listed way and kind.
    assert amend(ctx, code=code, officer=officer, documents={"ban_an_ly_hon": 1}) == 2
    added = _dossier(ctx, code).documents[-1]
    assert (added.way, added.kind, added.quantity, added.page_count) == ("submitted", "copy", 1, None)
    other = submit(ctx, procedure=procedure, values=values, officer=officer,
                   documents={"ban_an_ly_hon": 1, "giay_to_tuy_than": 1}).code
    # The ID card's listed way in the version in force (Nghị quyết 66.7/2025: looked up from 2026-01-01).
    assert [(d.way, d.kind) for d in _dossier(ctx, other).documents] == [("submitted", "copy"), ("looked_up", "shown")]


def test_the_channel_and_the_resolving_agency_are_recorded(ctx, officer) -> None:
    from kiosk.dossier.submit import submit

    from representation import with_representation

    procedure, values = _divorced(ctx)
    procedure = with_representation(procedure)
    values.update(channel="authorised", authorised_name="Lê Văn Hùng", authorised_id_number="001088004321")
    code = submit(ctx, procedure=procedure, values=values, officer=officer).code
    assert _dossier(ctx, code).channel == "authorised"
    ctx.adopt(settings=ctx.settings.with_changes(resolving_agency="Ủy ban nhân dân xã Bát Tràng"))
    code = submit(ctx, procedure=procedure, values={**values, "channel": "post"}, officer=officer).code
    dossier = _dossier(ctx, code)
    assert dossier.channel == "post" and dossier.resolving_agency == "Ủy ban nhân dân xã Bát Tràng"


def test_an_upgraded_site_keeps_the_copy_marker_and_a_new_site_does_not(tmp_path: Path, site_dir: Path) -> None:
    from kiosk.storage.settings import load_settings
    from kiosk.storage.site import init_site

    new = init_site(tmp_path / "new", {"unit_id": "000.00.07.H26", "unit_name": "UBND xã Bát Tràng",
                                       "commune_code": "00583", "kiosk_number": 1})
    assert new.receipt_copy_marker is False and new.scan_required is False
    assert json.loads((tmp_path / "new" / "settings.json").read_text(encoding="utf-8"))["receipt_copy_marker"] is False
    upgraded = json.loads((site_dir / "settings.json").read_text(encoding="utf-8"))
    upgraded.pop("receipt_copy_marker", None)
    upgraded.pop("scan_required", None)
    upgraded.pop("resolving_agency", None)  # as a release before 2025 wrote it
    (site_dir / "settings.json").write_text(json.dumps(upgraded), encoding="utf-8")
    assert load_settings(site_dir / "settings.json").receipt_copy_marker is True
    for folder in ("v0001-site", "v0004-site"):
        data = json.loads((Path(__file__).parents[3] / "tests" / "data" / folder / "settings.json").read_text(encoding="utf-8"))
        assert "receipt_copy_marker" not in data
