"""Counter events at the counter (docs/counter-events.md): each recording function, its refusals, the numbering."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cli_helpers import add_admin, as_admin
from sqlalchemy import select

from forms.samples import sample_values
from kiosk.dossier.handback import hand_back, mark_result_ready, record_apology_handed, void_hand_back
from kiosk.dossier.notices import guidance_values, record_guidance, record_refusal, stop
from kiosk.dossier.ratings import rate
from kiosk.dossier.submit import submit
from kiosk.errors import InputError
from kiosk.storage.models import AuditEvent, CounterEvent, Dossier, OutboxEntry

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=VN)
PROCEDURE = "1.004873"


def _procedure(ctx):
    return ctx.catalogue.in_force(PROCEDURE, MONDAY.date())


def _dossier(ctx, officer, seed: int = 0, now: datetime = MONDAY):
    procedure = _procedure(ctx)
    values = sample_values(procedure, seed=seed, today=now.date())
    return submit(ctx, procedure=procedure, values=values, officer=officer, now=now), values


def _event(ctx, uuid: str) -> CounterEvent:
    with ctx.read() as session:
        event = session.scalar(select(CounterEvent).where(CounterEvent.uuid == uuid))
        assert event is not None
        session.expunge(event)
        return event


def test_a_guidance_notice_is_numbered_queued_audited_and_resumable(ctx, officer) -> None:
    procedure = _procedure(ctx)
    values = sample_values(procedure, seed=3, today=MONDAY.date())
    first = record_guidance(ctx, procedure, values, ["ban_an_ly_hon", "giay_to_tuy_than"], "Mang bản chính", officer, now=MONDAY)
    second = record_guidance(ctx, procedure, values, ["ban_an_ly_hon"], "", officer, now=MONDAY)
    refusal = record_refusal(ctx, procedure, values, "Không thuộc thẩm quyền của xã", officer, now=MONDAY)
    assert (first.notice_number, second.notice_number, refusal.notice_number) == ("1/1/2026", "1/2/2026", "1/1/2026")

    event = _event(ctx, first.uuid)
    sent = json.dumps(event.body, ensure_ascii=False)
    assert event.dossier_id is None and event.body["officer"] == "lan"
    assert [i["doc_id"] for i in event.body["details"]["missing_items"]] == ["ban_an_ly_hon", "giay_to_tuy_than"]
    for personal in (values.get("submitter_name"), values.get("submitter_id_number"), values.get("submitter_phone"), "Mang bản chính"):
        if personal:
            assert personal not in sent  # the answers and the note stay on this PC
    with ctx.read() as session:
        entry = session.scalar(select(OutboxEntry).where(OutboxEntry.event_id == event.id))
        assert entry is not None and entry.state == "queued" and entry.dossier_id is None
        assert session.scalar(select(AuditEvent.action).where(AuditEvent.action == "counter.guidance").limit(1))

    resumed = guidance_values(ctx, "1/1/2026")
    assert (resumed.procedure_code, resumed.procedure_version) == (procedure.code, procedure.version)
    assert resumed.values["submitter_name"] == values["submitter_name"] and resumed.note == "Mang bản chính"
    with pytest.raises(InputError, match="Không có phiếu hướng dẫn số 1/9/2026"):
        guidance_values(ctx, "1/9/2026")


def test_a_guidance_notice_names_items_of_the_checklist(ctx, officer) -> None:
    procedure = _procedure(ctx)
    with pytest.raises(InputError, match="không có giấy tờ 'so_do'"):
        record_guidance(ctx, procedure, {}, ["so_do"], "", officer)
    with pytest.raises(InputError, match="ít nhất một giấy tờ"):
        record_guidance(ctx, procedure, {}, [" "], "", officer)
    with pytest.raises(InputError, match="lý do từ chối"):
        record_refusal(ctx, procedure, {}, "  ", officer)


def test_numbers_run_per_kind_and_year(ctx, officer) -> None:
    procedure = _procedure(ctx)
    december, january = datetime(2026, 12, 31, 16, 0, tzinfo=VN), datetime(2027, 1, 1, 8, 0, tzinfo=VN)
    numbers = [record_guidance(ctx, procedure, {}, ["ban_an_ly_hon"], "", officer, now=when).notice_number for when in (december, january, january)]
    assert numbers == ["1/1/2026", "1/1/2027", "1/2/2027"]


def test_a_notice_number_is_never_reused_after_a_rolled_back_transaction_or_a_restore(ctx, officer, site_dir, capsys) -> None:
    from kiosk.storage.context import open_kiosk
    from ui.admin.cli import main

    procedure = _procedure(ctx)
    record_guidance(ctx, procedure, {}, ["ban_an_ly_hon"], "", officer, now=MONDAY)
    ctx.close()
    assert main(["--data-dir", str(site_dir), "--json", "backup"]) == 0
    backup = json.loads(capsys.readouterr().out)["path"]
    ctx2 = open_kiosk(site_dir)
    printed_after_backup = [record_guidance(ctx2, procedure, {}, ["ban_an_ly_hon"], "", officer, now=MONDAY).notice_number for _ in range(2)]
    ctx2.close()
    add_admin(site_dir)
    assert as_admin("--data-dir", str(site_dir), "--json", "restore", backup) == 0
    capsys.readouterr()
    ctx3 = open_kiosk(site_dir)
    try:
        after_restore = record_guidance(ctx3, procedure, {}, ["ban_an_ly_hon"], "", officer, now=MONDAY).notice_number
        with pytest.raises(RuntimeError):
            with ctx3.transaction() as session:
                from kiosk.dossier.codes import allocate_notice_number

                allocate_notice_number(session, "guidance", 1, MONDAY)
                raise RuntimeError("crash before commit")
        after_crash = record_guidance(ctx3, procedure, {}, ["ban_an_ly_hon"], "", officer, now=MONDAY).notice_number
    finally:
        ctx3.close()
    assert printed_after_backup == ["1/2/2026", "1/3/2026"]
    assert (after_restore, after_crash) == ("1/4/2026", "1/6/2026")


def test_stop_only_a_received_dossier_with_no_decision(ctx, officer) -> None:
    received, _values = _dossier(ctx, officer)
    result = stop(ctx, received.code, "Người nộp xin rút để bổ sung giấy tờ khác", officer, now=MONDAY + timedelta(hours=1))
    assert result.notice_number == "1/1/2026" and result.code == received.code
    with ctx.read() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.code == received.code))
        assert dossier.stopped_at is not None and dossier.portal_status is None  # portal_status changes only through pulls
    with pytest.raises(InputError, match="đã dừng giải quyết lúc 10:00 23/11/2026"):
        stop(ctx, received.code, "lần nữa", officer)
    with pytest.raises(InputError, match="Không tìm thấy hồ sơ"):
        stop(ctx, "000.00.07.H26-261123-1999", "lý do", officer)
    other, _ = _dossier(ctx, officer, seed=1)
    mark_result_ready(ctx, other.code, officer)
    with pytest.raises(InputError, match="đã có kết quả hoặc đã kết thúc"):
        stop(ctx, other.code, "muộn rồi", officer)
    with pytest.raises(InputError, match="Hãy nhập lý do dừng giải quyết"):
        stop(ctx, other.code, "", officer)


def test_hand_back_needs_a_ready_result_and_the_right_receiver_and_can_be_voided(ctx, officer) -> None:
    received, values = _dossier(ctx, officer)
    name = values["submitter_name"]
    with pytest.raises(InputError, match="chưa có kết quả"):
        hand_back(ctx, received.code, receiver_name=name, officer=officer)
    ready = mark_result_ready(ctx, received.code, officer)
    assert ready.notice_number is None
    with pytest.raises(InputError, match="đã được ghi nhận có kết quả"):
        mark_result_ready(ctx, received.code, officer)
    with pytest.raises(InputError, match="không phải người nộp hồ sơ"):
        hand_back(ctx, received.code, receiver_name="Lê Văn Khác", officer=officer)
    with pytest.raises(InputError, match="số định danh của người nhận"):
        hand_back(ctx, received.code, receiver_name="Lê Văn Khác", authorisation="Giấy ủy quyền số 12", officer=officer)
    with pytest.raises(InputError, match="tại quầy"):
        hand_back(ctx, received.code, receiver_name=name, by="drone", officer=officer)

    handed = hand_back(
        ctx, received.code, receiver_name="Lê Văn Khác", receiver_id="001090012345", authorisation="Giấy ủy quyền số 12",
        by="counter", fee_vnd=8000, result_no="123/XN-UBND", officer=officer,
    )
    assert handed.notice_number == "1/1/2026"
    event = _event(ctx, handed.uuid)
    assert event.body["details"] == {"receiver": "authorised", "authorisation": True, "by": "counter", "fee_vnd": 8000, "result_no": "123/XN-UBND"}
    assert "Lê Văn Khác" not in json.dumps(event.body, ensure_ascii=False) and "001090012345" not in json.dumps(event.body)
    assert event.local == {"receiver_name": "Lê Văn Khác", "receiver_id": "001090012345", "authorisation": "Giấy ủy quyền số 12"}
    with pytest.raises(InputError, match="đã trả kết quả lúc"):
        hand_back(ctx, received.code, receiver_name=name, officer=officer)

    voided = void_hand_back(ctx, received.code, "Ghi nhầm hồ sơ", officer)
    assert _event(ctx, voided.uuid).body["details"]["voids"] == handed.uuid
    assert _event(ctx, handed.uuid).voided_at is not None
    with pytest.raises(InputError, match="chưa ghi nhận trả kết quả"):
        void_hand_back(ctx, received.code, "lần nữa", officer)
    again = hand_back(ctx, received.code, receiver_name=name, officer=officer)
    assert again.notice_number == "1/2/2026"  # the voided slip keeps its number
    with ctx.read() as session:
        assert session.scalar(select(Dossier.handed_back_at).where(Dossier.code == received.code)) is not None


def test_ratings_have_no_officer_one_per_occasion(ctx, officer) -> None:
    received, values = _dossier(ctx, officer)
    for score, reason, message in ((5, None, "Mức đánh giá phải là 1"), (1, "wait", "Chỉ chọn lý do khi chưa hài lòng"), (4, "moon", "Không có lý do 'moon'")):
        with pytest.raises(InputError, match=message):
            rate(ctx, received.code, score, reason)
    at_receipt = rate(ctx, received.code, 3, "wait")
    event = _event(ctx, at_receipt.uuid)
    assert event.officer_id is None and event.body["officer"] == "" and event.body["details"] == {"score": 3, "reason": "wait", "occasion": "receipt"}
    with pytest.raises(InputError, match="đã được đánh giá khi tiếp nhận"):
        rate(ctx, received.code, 1)
    mark_result_ready(ctx, received.code, officer)
    handed = hand_back(ctx, received.code, receiver_name=values["submitter_name"], officer=officer)
    assert rate(ctx, handed.uuid, 1).code == received.code
    with pytest.raises(InputError, match="đã được đánh giá khi trả kết quả"):
        rate(ctx, received.code, 2)
    with ctx.read() as session:
        actors = set(session.scalars(select(AuditEvent.actor).where(AuditEvent.action == "counter.rating")))
    assert actors == {"citizen"}


def test_the_apology_letter_is_for_an_overdue_dossier_only(ctx, officer) -> None:
    received, _values = _dossier(ctx, officer)
    with pytest.raises(InputError, match="chưa quá hạn"):
        record_apology_handed(ctx, received.code, officer, now=MONDAY)
    later = datetime.combine(received.appointment_date + timedelta(days=1), MONDAY.timetz())
    assert record_apology_handed(ctx, received.code, officer, now=later).kind == "apology_handed"


def test_dossiers_json_shows_hand_back_stop_and_ratings(ctx, officer, site_dir, capsys) -> None:
    from ui.admin.cli import main

    handed_code, values = _dossier(ctx, officer)
    stopped_code, _ = _dossier(ctx, officer, seed=1)
    mark_result_ready(ctx, handed_code.code, officer)
    hand_back(ctx, handed_code.code, receiver_name=values["submitter_name"], by="post", officer=officer)
    stop(ctx, stopped_code.code, "Người nộp xin dừng", officer)
    rate(ctx, handed_code.code, 2)
    ctx.close()
    capsys.readouterr()
    assert main(["--data-dir", str(site_dir), "--json", "dossiers"]) == 0
    rows = {r["code"]: r for r in json.loads(capsys.readouterr().out)["dossiers"]}
    handed, stopped = rows[handed_code.code], rows[stopped_code.code]
    assert handed["hand_back"]["by"] == "post" and handed["hand_back"]["receiver"] == "submitter" and handed["stop"] is None
    assert handed["ratings"] == [{"at": handed["ratings"][0]["at"], "score": 2, "reason": None, "occasion": "hand_back"}]
    assert stopped["stop"]["reason"] == "Người nộp xin dừng" and stopped["hand_back"] is None


def test_the_counter_commands_record_events_and_answer_in_json(ctx, officer, site_dir, tmp_path, capsys) -> None:
    from ui.admin.cli import main

    received, values = _dossier(ctx, officer)
    ctx.close()
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(values, ensure_ascii=False), encoding="utf-8")

    def run(*args: str) -> tuple[int, dict]:
        capsys.readouterr()
        status = main(["--data-dir", str(site_dir), "--json", *args])
        return status, json.loads(capsys.readouterr().out)

    status, guided = run("guide", "--procedure", PROCEDURE, "--data", str(answers), "--missing", "ban_an_ly_hon", "--officer", "lan", "--pdf", str(tmp_path / "g.pdf"))
    assert status == 0 and guided["kind"] == "guidance" and guided["pdf"] == str(tmp_path / "g.pdf") and (tmp_path / "g.pdf").read_bytes().startswith(b"%PDF")
    assert run("refuse", "--procedure", PROCEDURE, "--data", str(answers), "--reason", "Không thuộc thẩm quyền")[1]["notice_number"].startswith("1/1/")
    status, refused = run("hand-back", received.code, "--receiver-name", values["submitter_name"])
    assert status == 2 and not refused["ok"] and "chưa có kết quả" in refused["error"]
    assert run("ready", received.code)[0] == 0
    status, handed = run("hand-back", received.code, "--receiver-name", values["submitter_name"], "--by", "post", "--fee", "5000", "--result-no", "9/HT")
    assert status == 0 and handed["code"] == received.code and handed["notice_number"].startswith("1/1/")
    assert run("rate", received.code, "--score", "4", "--reason", "late")[1]["kind"] == "rating"
    status, stopped = run("stop", received.code, "--reason", "xin dừng")
    assert status == 2 and "không dừng giải quyết được" in stopped["error"]
