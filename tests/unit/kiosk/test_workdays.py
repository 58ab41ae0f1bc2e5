"""Tests for kiosk.dossier.appointment: the 15:00 rule, holidays, overrides and hand-checked appointment dates."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from kiosk.errors import InputError
from kiosk.dossier.appointment import (
    VN_TZ,
    CalendarError,
    Overrides,
    WorkCalendar,
    appointment_date,
    counted_receipt_date,
    load_overrides,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = dt.timezone.utc
D = dt.date


def at(y, m, d, hh=10, mm=0, ss=0, tz=HCM):
    return dt.datetime(y, m, d, hh, mm, ss, tzinfo=tz)


@pytest.fixture(scope="module")
def cal():
    return WorkCalendar()


# --- the hand-written table -------------------------------------------------------------
# Every expected date below was worked out by hand from a printed calendar and the
# announced holidays; nothing here is computed with `holidays` or kiosk.dossier.appointment.
# Holidays used: Tết 2027 Thu 04/02–Wed 10/02; Giỗ Tổ Fri 16/04/2027; 30/4 Fri, 1/5 Sat,
# Mon 03/05/2027 observed; Ngày Văn hóa Tue 24/11/2026; 1/1/2027 Fri; 2/9/2026: Mon 31/08
# off (swapped for Sat 22/08, a make-up working day), Tue 01/09, Wed 02/09.

RECEIPTS = {
    # name: (received, local time in Asia/Ho_Chi_Minh unless noted)
    "tet_wed_morning": at(2027, 2, 3, 10, 0),          # Wed, last working day before Tết
    "tet_wed_1530": at(2027, 2, 3, 15, 30),            # after 15:00 -> counts Thu 11/02
    "tet_during_holiday": at(2027, 2, 8, 9, 0),        # Mon, inside Tết -> counts Thu 11/02
    "tet_tue_before": at(2027, 2, 2, 14, 0),           # Tue: Wed 03/02 is day 1, then Tết
    "apr30_wed": at(2027, 4, 28, 9, 0),
    "apr30_thu": at(2027, 4, 29, 10, 0),
    "apr30_thu_1600": at(2027, 4, 29, 16, 0),          # counts Tue 04/05
    "hung_kings_thu": at(2027, 4, 15, 11, 0),          # Fri 16/04 is Giỗ Tổ
    "saturday_morning": at(2026, 11, 28, 9, 0),        # Sat office -> counts Mon 30/11
    "mon_145959": at(2026, 11, 16, 14, 59, 59),
    "mon_150000": at(2026, 11, 16, 15, 0, 0),          # 15:00:00 exactly is still the same day
    "mon_150001": at(2026, 11, 16, 15, 0, 1),
    "fri_1530": at(2026, 11, 13, 15, 30),              # Friday after 15:00 -> Mon 16/11
    "fri_1630_before_holiday": at(2026, 11, 20, 16, 30),  # -> Mon 23/11, then Tue 24/11 off
    "culture_day_eve": at(2026, 11, 23, 10, 0),        # Mon before Tue 24/11
    "culture_day": at(2026, 11, 24, 9, 0),             # on the holiday -> counts Wed 25/11
    "makeup_sat_eve": at(2026, 8, 21, 10, 0),          # Fri; Sat 22/08/2026 is a make-up day
    "makeup_sat": at(2026, 8, 22, 9, 0),               # the make-up Saturday itself
    "national_day_fri": at(2026, 8, 28, 10, 0),        # Mon 31/08, Tue 1/9, Wed 2/9 off
    "new_year_eve_late": at(2026, 12, 31, 15, 0, 1),   # -> Fri 1/1 off -> Mon 04/01/2027
    "utc_145959": at(2026, 11, 16, 7, 59, 59, tz=UTC),    # 14:59:59 in Vietnam
    "utc_150001": at(2026, 11, 16, 8, 0, 1, tz=UTC),      # 15:00:01 in Vietnam
    "utc_sunday": at(2026, 11, 15, 18, 0, tz=UTC),        # Sun in UTC, Mon 01:00 in Vietnam
    "utc_tet_morning": at(2027, 2, 3, 8, 30, tz=UTC),     # "morning" in UTC, 15:30 in Vietnam
}

DUE_SAME_DAY = {  # processing_days = 0: due the day the dossier counts as received
    "tet_wed_morning": D(2027, 2, 3),
    "tet_wed_1530": D(2027, 2, 11),
    "tet_during_holiday": D(2027, 2, 11),
    "tet_tue_before": D(2027, 2, 2),
    "apr30_wed": D(2027, 4, 28),
    "apr30_thu": D(2027, 4, 29),
    "apr30_thu_1600": D(2027, 5, 4),
    "hung_kings_thu": D(2027, 4, 15),
    "saturday_morning": D(2026, 11, 30),
    "mon_145959": D(2026, 11, 16),
    "mon_150000": D(2026, 11, 16),
    "mon_150001": D(2026, 11, 17),
    "fri_1530": D(2026, 11, 16),
    "fri_1630_before_holiday": D(2026, 11, 23),
    "culture_day_eve": D(2026, 11, 23),
    "culture_day": D(2026, 11, 25),
    "makeup_sat_eve": D(2026, 8, 21),
    "makeup_sat": D(2026, 8, 22),
    "national_day_fri": D(2026, 8, 28),
    "new_year_eve_late": D(2027, 1, 4),
    "utc_145959": D(2026, 11, 16),
    "utc_150001": D(2026, 11, 17),
    "utc_sunday": D(2026, 11, 16),
    "utc_tet_morning": D(2027, 2, 11),
}

DUE_3_DAYS = {  # processing_days = 3: the day received is not counted (Civil Code art. 147)
    "tet_wed_morning": D(2027, 2, 15),      # Thu 11, Fri 12, Mon 15
    "tet_wed_1530": D(2027, 2, 16),         # counts Thu 11: Fri 12, Mon 15, Tue 16
    "tet_during_holiday": D(2027, 2, 16),
    "tet_tue_before": D(2027, 2, 12),       # Wed 3, Thu 11, Fri 12
    "apr30_wed": D(2027, 5, 5),             # Thu 29/4, Tue 4/5, Wed 5/5
    "apr30_thu": D(2027, 5, 6),             # Tue 4, Wed 5, Thu 6
    "apr30_thu_1600": D(2027, 5, 7),        # counts Tue 4: Wed 5, Thu 6, Fri 7
    "hung_kings_thu": D(2027, 4, 21),       # Mon 19, Tue 20, Wed 21
    "saturday_morning": D(2026, 12, 3),     # counts Mon 30/11: Tue 1, Wed 2, Thu 3
    "mon_145959": D(2026, 11, 19),          # Tue 17, Wed 18, Thu 19
    "mon_150000": D(2026, 11, 19),
    "mon_150001": D(2026, 11, 20),          # counts Tue 17: Wed 18, Thu 19, Fri 20
    "fri_1530": D(2026, 11, 19),            # counts Mon 16: Tue 17, Wed 18, Thu 19
    "fri_1630_before_holiday": D(2026, 11, 27),  # counts Mon 23: Wed 25, Thu 26, Fri 27
    "culture_day_eve": D(2026, 11, 27),     # Wed 25, Thu 26, Fri 27
    "culture_day": D(2026, 11, 30),         # counts Wed 25: Thu 26, Fri 27, Mon 30
    "makeup_sat_eve": D(2026, 8, 25),       # Sat 22 (make-up), Mon 24, Tue 25
    "makeup_sat": D(2026, 8, 26),           # Mon 24, Tue 25, Wed 26
    "national_day_fri": D(2026, 9, 7),      # Thu 3/9, Fri 4/9, Mon 7/9
    "new_year_eve_late": D(2027, 1, 7),     # counts Mon 4/1: Tue 5, Wed 6, Thu 7
    "utc_145959": D(2026, 11, 19),
    "utc_150001": D(2026, 11, 20),
    "utc_sunday": D(2026, 11, 19),
    "utc_tet_morning": D(2027, 2, 16),
}

# The seven shipped procedures, keyed by national procedure code: (processing days, due dates).
PROCEDURES = {
    "1.001193": (0, DUE_SAME_DAY),  # Đăng ký khai sinh
    "1.000894": (0, DUE_SAME_DAY),  # Đăng ký kết hôn
    "1.000656": (0, DUE_SAME_DAY),  # Đăng ký khai tử
    "1.004873": (3, DUE_3_DAYS),    # Xác nhận tình trạng hôn nhân
    "1.004859": (3, DUE_3_DAYS),    # Thay đổi, cải chính hộ tịch
    "2.000635": (0, DUE_SAME_DAY),  # Cấp bản sao trích lục hộ tịch
    "2.000815": (0, DUE_SAME_DAY),  # Chứng thực bản sao từ bản chính
}


def test_table_is_complete():
    assert set(DUE_SAME_DAY) == set(RECEIPTS) == set(DUE_3_DAYS)


@pytest.mark.parametrize("receipt", sorted(RECEIPTS))
@pytest.mark.parametrize("code", sorted(PROCEDURES))
def test_appointment_dates_hand_checked(cal, code, receipt):
    days, due = PROCEDURES[code]
    assert appointment_date(RECEIPTS[receipt], days, cal) == due[receipt]


@pytest.mark.parametrize("receipt", sorted(RECEIPTS))
def test_counted_receipt_date_is_the_same_day_due_date(cal, receipt):
    assert counted_receipt_date(RECEIPTS[receipt], cal) == DUE_SAME_DAY[receipt]


# --- override file changing the result --------------------------------------------------
# A site announces Mon 23/11/2026 off (bridging the Tue 24/11 holiday) and Sat 28/11/2026
# worked instead.

OVERRIDE_CASES = [
    # received, processing days, due without override, due with override
    (at(2026, 11, 20, 10, 0), 3, D(2026, 11, 26), D(2026, 11, 27)),  # Fri: 23,25,26 -> 25,26,27
    (at(2026, 11, 25, 10, 0), 3, D(2026, 11, 30), D(2026, 11, 28)),  # Wed: 26,27,30 -> 26,27,Sat 28
    (at(2026, 11, 28, 9, 0), 0, D(2026, 11, 30), D(2026, 11, 28)),   # Sat receipt now counts Sat
    (at(2026, 11, 28, 9, 0), 3, D(2026, 12, 3), D(2026, 12, 2)),     # Mon 30, Tue 1, Wed 2
    (at(2026, 11, 23, 10, 0), 0, D(2026, 11, 23), D(2026, 11, 25)),  # Mon 23 is now a day off
    (at(2026, 11, 23, 10, 0), 3, D(2026, 11, 27), D(2026, 11, 28)),  # counts Wed 25: 26, 27, Sat 28
]


@pytest.fixture
def override_file(tmp_path):
    path = tmp_path / "calendar-overrides.json"
    path.write_text(json.dumps({
        "days_off": ["2026-11-23"],
        "working_days": ["2026-11-28"],
        "note": "Nghỉ bù Ngày Văn hóa Việt Nam, làm bù thứ Bảy 28/11/2026",
    }), encoding="utf-8")
    return path


@pytest.mark.parametrize("received, days, without, with_override", OVERRIDE_CASES)
def test_override_file_changes_appointment(cal, override_file, received, days, without, with_override):
    site = WorkCalendar(load_overrides(override_file))
    assert appointment_date(received, days, cal) == without
    assert appointment_date(received, days, site) == with_override


def test_override_working_day_wins_over_a_holiday():
    site = WorkCalendar(Overrides(working_days=frozenset({D(2026, 11, 24)})))
    assert site.is_working_day(D(2026, 11, 24))
    assert site.holiday_name(D(2026, 11, 24)) is None


# --- calendar basics --------------------------------------------------------------------

@pytest.mark.parametrize(
    "day, working",
    [
        (D(2026, 11, 23), True), (D(2026, 11, 24), False), (D(2026, 11, 28), False),
        (D(2026, 11, 29), False), (D(2027, 2, 4), False), (D(2027, 2, 10), False),
        (D(2027, 2, 11), True), (D(2027, 5, 3), False), (D(2027, 4, 16), False),
        (D(2026, 8, 22), True), (D(2025, 4, 26), True), (D(2026, 8, 31), False),
    ],
)
def test_is_working_day(cal, day, working):
    assert cal.is_working_day(day) is working


def test_next_working_day_is_strictly_after(cal):
    assert cal.next_working_day(D(2026, 11, 16)) == D(2026, 11, 17)
    assert cal.next_working_day(D(2027, 2, 3)) == D(2027, 2, 11)
    assert cal.previous_working_day(D(2027, 2, 11)) == D(2027, 2, 3)


def test_add_working_days(cal):
    assert cal.add_working_days(D(2026, 11, 16), 0) == D(2026, 11, 16)
    assert cal.add_working_days(D(2026, 11, 28), 0) == D(2026, 11, 28)  # 0 never moves
    assert cal.add_working_days(D(2026, 11, 16), 5) == D(2026, 11, 23)
    assert cal.add_working_days(D(2027, 2, 15), -2) == D(2027, 2, 11)


def test_holiday_names_are_vietnamese(cal):
    assert cal.holiday_name(D(2027, 2, 6)) == "Tết Nguyên Đán"
    assert cal.holiday_name(D(2026, 11, 23)) is None


def test_microsecond_after_1500_counts_next_day(cal):
    received = dt.datetime(2026, 11, 16, 15, 0, 0, 1, tzinfo=HCM)
    assert counted_receipt_date(received, cal) == D(2026, 11, 17)


def test_naive_datetime_is_refused(cal):
    with pytest.raises(ValueError):
        appointment_date(dt.datetime(2026, 11, 16, 10, 0), 0, cal)


def test_negative_processing_days_is_refused(cal):
    with pytest.raises(ValueError):
        appointment_date(at(2026, 11, 16), -1, cal)


def test_vn_tz_is_utc_plus_7():
    assert dt.datetime(2026, 6, 1, tzinfo=VN_TZ).utcoffset() == dt.timedelta(hours=7)


def test_a_calendar_with_no_working_days_fails_clearly():
    every_day = frozenset(D(2026, 1, 1) + dt.timedelta(days=i) for i in range(800))
    with pytest.raises(CalendarError, match="ngày làm việc"):
        WorkCalendar(Overrides(days_off=every_day)).next_working_day(D(2026, 1, 1))


# --- loading the override file ----------------------------------------------------------

def test_missing_file_means_no_overrides(tmp_path):
    assert load_overrides(tmp_path / "calendar-overrides.json") == Overrides()


def test_valid_file_with_bom(tmp_path):
    path = tmp_path / "calendar-overrides.json"
    path.write_bytes("\ufeff".encode() + json.dumps(
        {"days_off": ["2027-02-11"], "working_days": [], "note": "Tết"}).encode())
    overrides = load_overrides(path)
    assert overrides.days_off == {D(2027, 2, 11)} and overrides.working_days == frozenset()
    assert overrides.note == "Tết" and overrides.source == path


def test_only_note_is_fine(tmp_path):
    path = tmp_path / "o.json"
    path.write_text('{"note": "chưa có thay đổi"}', encoding="utf-8")
    assert load_overrides(path).days_off == frozenset()


@pytest.mark.parametrize(
    "content, expected",
    [
        ('{"days_off": ["2026-11-23",]}', "không phải JSON hợp lệ (dòng 1"),
        ('["2026-11-23"]', "phải chứa một đối tượng JSON"),
        ('{"day_off": ["2026-11-23"]}', "khóa «day_off» không được hỗ trợ"),
        ('{"days_off": "2026-11-23"}', "«days_off» phải là danh sách"),
        ('{"days_off": ["2026-02-30"]}', "'2026-02-30' trong «days_off»"),
        ('{"working_days": ["28/11/2026"]}', "'28/11/2026' trong «working_days»"),
        ('{"working_days": [20261128]}', "20261128 trong «working_days»"),
        ('{"days_off": ["20261128"]}', "'20261128' trong «days_off»"),
        ('{"note": 5}', "«note» phải là một chuỗi"),
        ('{"days_off": ["2026-11-28"], "working_days": ["2026-11-28"]}', "2026-11-28 vừa là ngày nghỉ"),
    ],
)
def test_malformed_file_names_file_and_entry(tmp_path, content, expected):
    path = tmp_path / "calendar-overrides.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CalendarError) as info:
        load_overrides(path)
    assert expected in str(info.value)
    assert str(path) in str(info.value)


def test_non_utf8_file_is_a_calendar_error(tmp_path):
    path = tmp_path / "calendar-overrides.json"
    path.write_bytes(b'{"note": "\xff\xfe"}')
    with pytest.raises(CalendarError, match="UTF-8"):
        load_overrides(path)


def test_calendar_error_is_a_user_facing_input_error():
    assert issubclass(CalendarError, InputError)
