"""Compute the glass index of a week: `manage.py budget_index [--week 2025-07-07] [--weeks 12]` (--weeks also
fills the weeks before it, for history)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from elaos.budget.glass_index import glass_index_snapshot


class Command(BaseCommand):
    help = "Compute glass index snapshots (idempotent)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--week", help="a day of the week (YYYY-MM-DD); this week by default")
        parser.add_argument("--weeks", type=int, default=1, help="how many weeks, ending with --week")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        try:
            day = datetime.date.fromisoformat(options["week"]) if options["week"] else timezone.localdate()
        except ValueError as error:
            raise CommandError(str(error)) from error
        for back in range(options["weeks"] - 1, -1, -1):
            week = day - datetime.timedelta(weeks=back)
            snapshots = glass_index_snapshot(week=week)
            self.stdout.write(f"{week - datetime.timedelta(days=week.weekday())}: {len(snapshots)} agencies ranked")
