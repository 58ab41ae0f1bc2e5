"""Each notice built from a recorded counter event (kiosk/printed/notice_load.py) and drawn to PDF: the text read back
with pypdfium2 has the form's title, the unit, the notice number, the citizen's name and the items or reason. Page 1
of each is saved at 150 dpi under /tmp/counterui/ for a person to look at (docs/notices.md)."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium
import pytest
from sqlalchemy import select

from forms.samples import sample_values
from kiosk.dossier.handback import hand_back, mark_result_ready
from kiosk.dossier.notices import record_guidance, record_refusal, stop
from kiosk.dossier.submit import submit
from kiosk.errors import InputError
from kiosk.printed.load import PURGED_NAME
from kiosk.printed.notice_load import load_notice
from kiosk.storage.models import AuditEvent, CounterEvent, Dossier

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=VN)
PROCEDURE = "1.004873"
LOOK_DIR = Path("/tmp/counterui")
UNIT = "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"


def flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def pdf_text(data, path: Path) -> str:
    """The notice's PDF as flat text; page 1 saved at 150 dpi to /tmp/counterui for looking at."""
    from ui.printing.notice_render import render_notice_pdf
    from ui.window.qt_app import ensure_gui_app

    ensure_gui_app()
    render_notice_pdf(data, path, "A4")
    pdf = pdfium.PdfDocument(str(path))
    try:
        assert len(pdf) == 1
        LOOK_DIR.mkdir(parents=True, exist_ok=True)
        pdf[0].render(scale=150 / 72, grayscale=True).to_pil().save(LOOK_DIR / f"{path.stem}.png")
        return flat(pdf[0].get_textpage().get_text_range())
    finally:
        pdf.close()


@pytest.fixture
def procedure(ctx):
    return ctx.catalogue.in_force(PROCEDURE, MONDAY.date())


@pytest.fixture
def values(procedure):
    return sample_values(procedure, seed=3, today=MONDAY.date())


def test_a_guidance_notice_prints_the_citizen_typed_so_far_and_the_items_picked(ctx, officer, procedure, values, tmp_path, qapp) -> None:
    recorded = record_guidance(ctx, procedure, values, ["ban_an_ly_hon"], "Mang bản chính để đối chiếu", officer, now=MONDAY)
    data = load_notice(ctx, recorded.notice_number, "guidance", actor="lan", reprint=False)
    text = pdf_text(data, tmp_path / "load-guidance.pdf")
    item = procedure.document("ban_an_ly_hon").name
    for expected in ("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", UNIT, "Số: 1/1/2026", values["submitter_name"], item,
                     "Mang bản chính để đối chiếu", procedure.name, "Trần Thị Lan"):
        assert flat(expected) in text, expected
    with ctx.read() as session:
        assert session.scalar(select(AuditEvent).where(AuditEvent.action == "notice.printed")) is not None


def test_a_refusal_prints_the_reason_and_the_id_number(ctx, officer, procedure, values, tmp_path, qapp) -> None:
    recorded = record_refusal(ctx, procedure, values, "Không thuộc thẩm quyền giải quyết của xã", officer, now=MONDAY)
    data = load_notice(ctx, recorded.uuid, "refusal", actor="lan", reprint=True)  # by uuid too
    text = pdf_text(data, tmp_path / "load-refusal.pdf")
    for expected in ("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", UNIT, "Số: 1/1/2026", values["submitter_name"],
                     values["submitter_id_number"], "Không thuộc thẩm quyền giải quyết của xã"):
        assert flat(expected) in text, expected
    with ctx.read() as session:
        assert session.scalar(select(AuditEvent).where(AuditEvent.action == "notice.reprinted")) is not None


def test_a_stop_notice_prints_the_dossier_and_the_reason(ctx, officer, procedure, values, tmp_path, qapp) -> None:
    dossier = submit(ctx, procedure=procedure, values=values, officer=officer, now=MONDAY)
    recorded = stop(ctx, dossier.code, "Người yêu cầu không còn nhu cầu", officer, now=MONDAY.replace(day=25))
    text = pdf_text(load_notice(ctx, recorded.notice_number, "stop", actor="lan", reprint=False), tmp_path / "load-stop.pdf")
    for expected in ("THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", UNIT, "Số: 1/1/2026", values["submitter_name"], dossier.code,
                     "Người yêu cầu không còn nhu cầu", "Ngày 25 tháng 11 năm 2026"):
        assert flat(expected) in text, expected


def test_a_hand_back_slip_prints_the_authorised_receiver(ctx, officer, procedure, values, tmp_path, qapp) -> None:
    dossier = submit(ctx, procedure=procedure, values=values, officer=officer, now=MONDAY)
    mark_result_ready(ctx, dossier.code, officer, now=MONDAY.replace(day=25))
    recorded = hand_back(ctx, dossier.code, receiver_name="Lê Văn Hùng", receiver_id="082088004321",
                         authorisation="Văn bản ủy quyền ngày 24/11/2026", fee_vnd=3000, result_no="45/2026/XNTTHN",
                         officer=officer, now=MONDAY.replace(day=26))
    text = pdf_text(load_notice(ctx, recorded.notice_number, "hand_back", actor="lan", reprint=False), tmp_path / "load-hand-back.pdf")
    for expected in ("PHIẾU GIAO NHẬN KẾT QUẢ GIẢI QUYẾT HỒ SƠ", UNIT, "Số: 1/1/2026", values["submitter_name"], dossier.code,
                     "Lê Văn Hùng", "082088004321", "Văn bản ủy quyền ngày 24/11/2026", "45/2026/XNTTHN", "3.000 đồng"):
        assert flat(expected) in text, expected


def test_a_purged_dossier_prints_the_retention_placeholder_and_a_wrong_number_is_a_message(ctx, officer, procedure, values) -> None:
    dossier = submit(ctx, procedure=procedure, values=values, officer=officer, now=MONDAY)
    recorded = stop(ctx, dossier.code, "Không còn nhu cầu", officer, now=MONDAY)
    with ctx.transaction() as session:
        row = session.scalar(select(Dossier).where(Dossier.code == dossier.code))
        row.purged_at = MONDAY
        session.scalar(select(CounterEvent).where(CounterEvent.uuid == recorded.uuid)).local = None
    data = load_notice(ctx, recorded.notice_number, "stop", actor="lan", reprint=True)
    assert data.citizen.name == PURGED_NAME and values["submitter_name"] not in repr(data)
    with pytest.raises(InputError, match="Không có phiếu từ chối tiếp nhận số 1/7/2026"):
        load_notice(ctx, "1/7/2026", "refusal", actor="lan", reprint=True)
