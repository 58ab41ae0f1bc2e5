"""The notices' document models (kiosk/printed/notices.py): what each refuses, and what it prints for its values."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timezone

import pytest

from kiosk.printed.receipt import AuthorisedPerson
from kiosk.printed.notices import (
    KINDS,
    Citizen,
    GuidanceNotice,
    HandBackSlip,
    RefusalNotice,
    StopNotice,
    sample_guidance,
    sample_hand_back,
    sample_notice,
    sample_refusal,
    sample_stop,
)


def test_each_kind_has_its_sample_title_and_form() -> None:
    titles = {kind: (sample_notice(kind).title, sample_notice(kind).FORM) for kind in KINDS}
    assert titles == {
        "guidance": ("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "02"),
        "refusal": ("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "03"),
        "stop": ("THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", "05"),
        "hand_back": ("PHIẾU GIAO NHẬN KẾT QUẢ GIẢI QUYẾT HỒ SƠ", ""),
    }
    with pytest.raises(ValueError, match="unknown notice kind"):
        sample_notice("apology")


def test_the_number_line_and_its_blank() -> None:
    assert sample_guidance().number_line == "Số: 1/12/2026"
    assert dataclasses.replace(sample_guidance(), number=" ").number_line == "Số: …/…/…"
    with pytest.raises(ValueError):
        dataclasses.replace(sample_guidance(), number="1/12\n/2026")


def test_times_must_be_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        dataclasses.replace(sample_refusal(), issued_at=datetime(2026, 12, 3, 9, 0))
    with pytest.raises(ValueError, match="timezone-aware"):
        dataclasses.replace(sample_stop(), received_at=datetime(2026, 11, 23, 10, 5))


def test_a_guidance_notice_needs_something_to_ask_for() -> None:
    assert dataclasses.replace(sample_guidance(), items=[]).items == ()  # a list becomes a tuple
    with pytest.raises(ValueError, match="missing item or a note"):
        dataclasses.replace(sample_guidance(), items=(), note="  ")
    only_note = dataclasses.replace(sample_guidance(), items=(), note="Ký lại tờ khai.")
    assert only_note.note == "Ký lại tờ khai."
    with pytest.raises(ValueError, match="without dossier_code"):
        dataclasses.replace(sample_guidance(), dossier_received_at=datetime(2026, 11, 23, tzinfo=timezone.utc))
    assert sample_guidance().procedure_text == "Xác nhận tình trạng hôn nhân (mã\u00a0thủ\u00a0tục\u00a01.004873)"


def test_a_refusal_needs_its_reason_and_the_citizen() -> None:
    with pytest.raises(ValueError, match="reason"):
        dataclasses.replace(sample_refusal(), reason=" ")
    with pytest.raises(ValueError, match="citizen name"):
        Citizen(name="")
    with pytest.raises(TypeError):
        RefusalNotice(agency_name="UBND", place_name="X", number="", officer_name="",  # type: ignore[call-arg]
                      issued_at=datetime.now(timezone.utc), procedure_name="P", reason="R")


def test_a_stop_is_requested_after_the_dossier_was_received() -> None:
    stop = sample_stop()
    assert stop.requested_on == date(2026, 11, 30)
    with pytest.raises(ValueError, match="before the dossier was received"):
        dataclasses.replace(stop, requested_on=date(2026, 11, 22))
    with pytest.raises(ValueError, match="dossier_code"):
        dataclasses.replace(stop, dossier_code="")


def test_a_hand_back_to_an_authorised_person_needs_their_id_and_paper() -> None:
    slip = sample_hand_back()
    assert slip.receiver_name == "Lê Văn Hùng"
    assert slip.fee_text == "3.000 đồng"
    assert slip.result_text == "Giấy xác nhận tình trạng hôn nhân số 45/2026/XNTTHN"
    for missing in ({"id_number": ""}, {"authorisation_paper": ""}):
        person = dataclasses.replace(slip.collected_by, **missing)
        with pytest.raises(ValueError):
            dataclasses.replace(slip, collected_by=person)
    by_submitter = dataclasses.replace(slip, collected_by=None, fee_collected_vnd=0)
    assert by_submitter.receiver_name == "Nguyễn Thị Ánh Tuyết"
    assert by_submitter.fee_text == "Không"
    with pytest.raises(ValueError, match="method"):
        dataclasses.replace(slip, method="courier")
    with pytest.raises(ValueError, match="fee"):
        dataclasses.replace(slip, fee_collected_vnd=-1)
    assert isinstance(slip.collected_by, AuthorisedPerson)
    assert {type(sample_notice(k)) for k in KINDS} == {GuidanceNotice, RefusalNotice, StopNotice, HandBackSlip}
