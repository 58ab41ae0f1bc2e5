"""The screenshot command's second half (docs/screenshots.md): a month of counter work added to the demo data, then the
logbook, the period report and a refusal and a stop notice on the paper page.

Kept apart from ``screenshots.py`` (which walks the receipt and the hand-back) so each stays small. The demo data
gets what makes every chart draw something: results handed back on time and late (at the counter and by post),
ratings of all four levels with reasons, a guidance notice, a refusal and a stop. Run on the GUI thread, as the
rest of the screenshot command: it is a tool, not the application.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Callable

from sqlalchemy import select

SHOT_DAYS = 30  # the report's period: the demo dossiers span the last two weeks or so


def seed_books(window: Any) -> Any:
    """Add hand-backs, ratings, a guidance, a refusal and a stop to the demo kiosk; returns the stop's event."""
    from kiosk.dossier.handback import hand_back, mark_result_ready
    from kiosk.dossier.notices import record_guidance, record_refusal, stop
    from kiosk.dossier.ratings import rate
    from kiosk.storage.models import Dossier

    ctx, officer = window.ctx, window.officer
    with ctx.read() as session:
        rows = session.execute(
            select(Dossier.code, Dossier.submitter_name, Dossier.appointment_date)
            .where(Dossier.code.is_not(None), Dossier.handed_back_at.is_(None), Dossier.stopped_at.is_(None))
            .order_by(Dossier.received_at)
        ).all()
    now = ctx.now()
    handed = []
    for n, (code, name, appointment) in enumerate(rows[:4]):
        # Two on their appointment day, two later than it; one of each by post, one with a fee taken at hand-back.
        late = n % 2 == 1
        when = now if late or appointment is None else min(now, now.replace(year=appointment.year, month=appointment.month,
                                                                           day=appointment.day, hour=15))
        mark_result_ready(ctx, code, officer, now=when - timedelta(hours=2))
        hand_back(ctx, code, receiver_name=name or "Người nộp", officer=officer, by="post" if n == 2 else "counter",
                  fee_vnd=8_000 if n == 1 else None, result_no=f"{10 + n}/2026/TP-HT", now=when)
        handed.append(code)
    for code, score, reason in zip(handed, (1, 2, 3, 4), (None, None, "wait", "late")):
        rate(ctx, code, score, reason, now=now)
    procedure = ctx.catalogue.latest()[0]
    record_guidance(ctx, procedure, {}, [d.id for d in procedure.documents][:2], "Mang bản chính để đối chiếu", officer)
    record_refusal(ctx, procedure, {"submitter_name": "Đặng Văn Bình", "submitter_id_number": "001090012345"},
                   "Yêu cầu không thuộc thẩm quyền giải quyết của Ủy ban nhân dân cấp xã", officer)
    stopped = stop(ctx, rows[5][0], "Công dân xin rút hồ sơ để bổ sung giấy tờ khác", officer)
    return stopped


def shoot_books(window: Any, shot: Callable[[str], None], wait: Callable[..., None]) -> None:
    """``16-logbook``, ``17-report``, ``18-refusal-paper``, ``19-stop-paper``."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from forms.timezone import local_today
    from kiosk.printed.notice_load import load_notice
    from kiosk.storage.models import CounterEvent

    stopped = seed_books(window)
    window._go_home()
    QTest.keyClick(window.stack.currentWidget(), Qt.Key.Key_F9)
    page = window.books_page
    wait(lambda: window.stack.currentWidget() is page)
    today = local_today(window.ctx.now())
    page.book = None
    page.set_period(today - timedelta(days=SHOT_DAYS), today)
    page.refresh()
    wait(lambda: page.book is not None and page.book.start == today - timedelta(days=SHOT_DAYS))
    wait(lambda: page.report_view.report is not None and page.report_view.report.start == page.book.start)
    page.tabs.setCurrentWidget(page.table)
    shot("16-logbook")
    page.tabs.setCurrentWidget(page.report_view)
    shot("17-report")
    page.tabs.setCurrentWidget(page.table)

    with window.ctx.read() as session:
        refusal = session.scalar(select(CounterEvent.uuid).where(CounterEvent.kind == "refusal").order_by(CounterEvent.id.desc()))
    actor = window.session.actor
    window.notices.show_notice(load_notice(window.ctx, refusal, "refusal", actor=actor, reprint=False))
    notice = window.notices.page
    wait(lambda: notice.preview.pixmap() is not None and not notice.preview.pixmap().isNull())
    shot("18-refusal-paper")
    window.notices.show_notice(load_notice(window.ctx, stopped.uuid, "stop", actor=actor, reprint=False))
    wait(lambda: notice.data is not None and notice.data.kind == "stop")
    wait(lambda: notice.preview.pixmap() is not None and not notice.preview.pixmap().isNull())
    shot("19-stop-paper")
