"""Working days: Monday to Friday, less the Lao public holidays loaded by migration and any added later."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elaos.workflows.models import PublicHoliday
from elaos.workflows.working_days import add_working_days, working_days_between

VIENTIANE = ZoneInfo("Asia/Vientiane")


def at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=VIENTIANE)


def test_lao_new_year_is_loaded(db: None) -> None:
    assert set(PublicHoliday.objects.filter(date__month=4).values_list("date", flat=True)) == {
        datetime.date(year, 4, day) for year in (2026, 2027) for day in (14, 15, 16)
    }


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # Friday 10 April 2026: Monday 13 counts; 14-16 April are Lao New Year; Friday 17 and Monday 20 count.
        ("2026-04-10", 3, "2026-04-20"),
        ("2026-04-10", 1, "2026-04-13"),
        ("2026-04-10", 2, "2026-04-17"),
        # Saturday and Sunday never count, and starting on a weekend counts from the Monday.
        ("2026-03-06", 1, "2026-03-09"),
        ("2026-04-11", 1, "2026-04-13"),
        # Tuesday 1 December 2026: Wednesday 2 December is National Day.
        ("2026-12-01", 1, "2026-12-03"),
        # Thursday 31 December 2026: New Year's Day is a Friday, then the weekend.
        ("2026-12-31", 1, "2027-01-04"),
        ("2026-04-10", 0, "2026-04-10"),
    ],
)
def test_add_working_days(db: None, start: str, days: int, due: str) -> None:
    assert add_working_days(at(start, hour=14), days) == at(due, hour=14)


def test_a_holiday_added_by_an_administrator_is_skipped(db: None) -> None:
    assert add_working_days(at("2026-06-01"), 1) == at("2026-06-02")

    PublicHoliday.objects.create(date=datetime.date(2026, 6, 2), name_lo="ວັນເດັກສາກົນ", name_en="Children's Day")

    assert add_working_days(at("2026-06-01"), 1) == at("2026-06-03")
    assert working_days_between(datetime.date(2026, 6, 1), datetime.date(2026, 6, 3)) == 1


def test_days_are_counted_on_the_lao_calendar_not_the_utc_one(db: None) -> None:
    # 03:00 on Monday 13 April in Vientiane is still Sunday in UTC.
    monday_night = datetime.datetime(2026, 4, 12, 20, 0, tzinfo=datetime.UTC)

    due = add_working_days(monday_night, 1)

    assert due == at("2026-04-17", hour=3)


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        ("2026-04-10", "2026-04-20", 3),
        ("2026-04-20", "2026-04-10", -3),
        ("2026-04-10", "2026-04-10", 0),
        ("2026-04-10", "2026-04-12", 0),
        ("2026-04-13", "2026-04-16", 0),
        ("2026-04-06", "2026-04-13", 5),
        ("2026-12-01", "2026-12-04", 2),
        # 261 weekdays in 2026, less 1 January itself and the five holidays that fall on weekdays.
        ("2026-01-01", "2026-12-31", 255),
    ],
)
def test_working_days_between(db: None, start: str, end: str, days: int) -> None:
    assert working_days_between(datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)) == days


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.datetimes(min_value=datetime.datetime(2025, 12, 1), max_value=datetime.datetime(2027, 11, 30)),
    days=st.integers(min_value=1, max_value=30),
)
def test_adding_n_working_days_lands_on_a_working_day_n_working_days_later(
    db: None, start: datetime.datetime, days: int
) -> None:
    start = start.replace(tzinfo=VIENTIANE)

    due = add_working_days(start, days)

    assert due.weekday() < 5
    assert not PublicHoliday.objects.filter(date=due.date()).exists()
    assert due.time() == start.time()
    assert working_days_between(start.date(), due.date()) == days
