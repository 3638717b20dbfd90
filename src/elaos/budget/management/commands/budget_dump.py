"""Write the bulk downloads (OCDS release package, Fiscal Data Package with gzipped CSVs) into BUDGET_DUMP_DIR,
served at /api/v1/budget/dumps/. Run nightly by the periodic task; safe to run again."""

from pathlib import Path

from django.core.management.base import BaseCommand

from elaos.budget.fdp import bulk_dump_write


class Command(BaseCommand):
    help = "Write the nightly Glass Accounts bulk dumps."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--dir", help="write here instead of settings.BUDGET_DUMP_DIR")
        parser.add_argument("--keep-days", type=int, default=7)

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        directory = Path(options["dir"]) if options["dir"] else None
        for dump in bulk_dump_write(directory=directory, keep_days=options["keep_days"]):
            self.stdout.write(f"{dump.file.name}: {dump.rows} rows, {dump.size} bytes")
