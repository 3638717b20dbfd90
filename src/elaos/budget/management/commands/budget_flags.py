"""Detect red flags now (the nightly task does the same): `manage.py budget_flags [--year 2025] [--agency moh]`."""

from django.core.management.base import BaseCommand, CommandError

from elaos.agencies.models import Organisation
from elaos.budget.flags import flags_detect


class Command(BaseCommand):
    help = "Detect red flags (split payments, payments without contract, single bids, big amendments, new payees)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--year", type=int, help="only this fiscal year")
        parser.add_argument("--agency", help="only this agency code")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        agency = None
        if options["agency"]:
            agency = Organisation.objects.filter(code=options["agency"]).first()
            if agency is None:
                raise CommandError(f"unknown agency {options['agency']!r}")
        found = flags_detect(fiscal_year=options["year"], agency=agency)
        for kind, count in found.items():
            self.stdout.write(f"{kind}: {count} new")
