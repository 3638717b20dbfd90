import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser

from elaos.agencies.models import Organisation
from elaos.payments.reports import reconciliation_csv
from elaos.payments.selectors import reconciliation_day


class Command(BaseCommand):
    help = "Print as CSV the payments the bank confirmed on one day (Vientiane time), for every agency."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", required=True, help="the day, YYYY-MM-DD")

    def handle(self, *args: object, **options: object) -> None:
        try:
            day = datetime.date.fromisoformat(str(options["date"]))
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD, not {options['date']!r}") from exc
        reconciliation_csv(reconciliation_day(day=day, agencies=Organisation.objects.all()), self.stdout)
