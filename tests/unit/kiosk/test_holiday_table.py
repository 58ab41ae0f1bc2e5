"""The national calendar the kiosk ships (kiosk/dossier/holidays_vn.json) says what holidays.VN says, day by day.

The table exists so a kiosk does not import the holidays package (every country, ≈ 25 MB) to compute an
appointment date; it must never disagree with the package it was written from. When this fails after the
package was upgraded, rewrite it: `python -m kiosk.dossier.appointment --write-table`.
"""

import datetime as dt
import json

import holidays

from kiosk.dossier.appointment import TABLE_PATH, TABLE_YEARS, WorkCalendar, national_table


def test_the_shipped_table_is_what_the_installed_package_writes() -> None:
    assert json.loads(TABLE_PATH.read_text(encoding="utf-8")) == national_table(*TABLE_YEARS)


def test_every_day_of_the_table_years_answers_as_the_package_does() -> None:
    package = holidays.VN(language="vi")
    calendar = WorkCalendar()
    day, last = dt.date(TABLE_YEARS[0], 1, 1), dt.date(TABLE_YEARS[1], 12, 31)
    while day <= last:
        assert calendar.is_working_day(day) == package.is_working_day(day), day
        assert calendar.holiday_name(day) == package.get(day), day
        day += dt.timedelta(days=1)


def test_a_year_past_the_table_asks_the_package() -> None:
    after = TABLE_YEARS[1] + 1
    calendar = WorkCalendar()
    assert calendar.holiday_name(dt.date(after, 9, 2)) == "Quốc khánh"
    assert not calendar.is_working_day(dt.date(after, 9, 2))
    assert calendar.is_working_day(dt.date(after, 9, 4)) == holidays.VN(language="vi").is_working_day(dt.date(after, 9, 4))
