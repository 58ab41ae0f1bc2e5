"""Dossier codes: national format, partitioned by kiosk, never reused after clock jumps."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from forms.codes import parse_code
from kiosk.dossier.codes import allocate_code, clock_warning
from kiosk.errors import KioskError
from kiosk.storage.models import CodeSequence

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CODE_RE = re.compile(r"\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}")


def allocate(ctx, kiosk: int, when: datetime) -> str:
    with ctx.transaction() as session:
        return allocate_code(session, "000.00.07.H26", kiosk, when).code


def test_code_has_the_national_format_and_local_date(ctx) -> None:
    # 23:30 UTC on the 21st is already the 22nd in Việt Nam.
    code = allocate(ctx, 1, datetime(2026, 11, 21, 23, 30, tzinfo=timezone.utc))
    assert CODE_RE.fullmatch(code)
    assert code == "000.00.07.H26-261122-1001"


def test_two_kiosks_of_one_unit_never_collide(ctx) -> None:
    when = datetime(2026, 11, 23, 9, 0, tzinfo=VN)
    first = [allocate(ctx, 1, when) for _ in range(5)]
    second = [allocate(ctx, 2, when) for _ in range(5)]
    assert first == [f"000.00.07.H26-261123-100{i}" for i in range(1, 6)]
    assert second == [f"000.00.07.H26-261123-200{i}" for i in range(1, 6)]
    assert not set(first) & set(second)


def test_clock_jumping_back_a_day_continues_that_days_numbers(ctx) -> None:
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=VN)
    tuesday = datetime(2026, 11, 24, 9, 0, tzinfo=VN)
    codes = [allocate(ctx, 1, monday), allocate(ctx, 1, tuesday), allocate(ctx, 1, monday)]
    assert codes == ["000.00.07.H26-261123-1001", "000.00.07.H26-261124-1001", "000.00.07.H26-261123-1002"]


def test_a_rolled_back_transaction_skips_its_number_and_never_reuses_it(ctx) -> None:
    """The code ledger is written before the commit (so a restore cannot reissue a printed code); a
    transaction that fails after taking a number leaves a gap, never a second dossier with that number."""
    when = datetime(2026, 11, 23, 9, 0, tzinfo=VN)
    with pytest.raises(RuntimeError):
        with ctx.transaction() as session:
            allocate_code(session, "000.00.07.H26", 1, when)
            raise RuntimeError("crash before commit")
    assert allocate(ctx, 1, when).endswith("-1002")


def test_daily_limit_is_a_clear_error(ctx) -> None:
    when = datetime(2026, 11, 23, 9, 0, tzinfo=VN)
    with ctx.transaction() as session:
        session.add(CodeSequence(key="day:261123:1", last=999))
    with pytest.raises(KioskError, match="999"):
        allocate(ctx, 1, when)


def test_parse_code_round_trip() -> None:
    assert parse_code("000.00.07.H26-261123-2042") == ("000.00.07.H26", datetime(2026, 11, 23).date(), 2, 42, "")
    assert parse_code("rubbish") is None


def test_clock_warning_when_clock_reads_before_newest_dossier(ctx, officer) -> None:
    from kiosk.dossier.submit import submit
    from forms.samples import sample_values

    procedure = ctx.catalogue.get("2.000815")
    received = datetime(2026, 11, 23, 9, 0, tzinfo=VN)
    submit(ctx, procedure=procedure, values=sample_values(procedure, seed=1, today=received.date()), officer=officer, now=received)
    with ctx.transaction() as session:
        assert clock_warning(session, received.replace(hour=10)) is None
        warning = clock_warning(session, datetime(2026, 11, 20, 9, 0, tzinfo=VN))
    assert warning and "Đồng hồ" in warning
