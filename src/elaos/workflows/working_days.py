"""Service levels count working days: Monday to Friday, less the public holidays in PublicHoliday."""

import datetime

from django.utils import timezone

from elaos.workflows.models import PublicHoliday


def _holidays(start: datetime.date, end: datetime.date) -> set[datetime.date]:
    return set(PublicHoliday.objects.filter(date__gte=start, date__lte=end).values_list("date", flat=True))


def is_working_day(day: datetime.date, holidays: set[datetime.date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: datetime.datetime, days: int) -> datetime.datetime:
    """The moment `days` full working days after `start` (same time of day)."""
    # Count on the Lao calendar: for the first seven hours of each Lao day, its UTC date is the day before.
    current = timezone.localtime(start) if timezone.is_aware(start) else start
    # A generous window for the holiday lookup: weekends and holidays never stretch 10 days into 30.
    holidays = _holidays(current.date(), current.date() + datetime.timedelta(days=days * 3 + 30))
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if is_working_day(current.date(), holidays):
            remaining -= 1
    return current


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (negative when `end` is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    holidays = _holidays(start, end)
    return sum(
        1 for n in range(1, (end - start).days + 1) if is_working_day(start + datetime.timedelta(days=n), holidays)
    )
