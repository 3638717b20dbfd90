from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from elaos.core import backup


class Command(BaseCommand):
    help = (
        "Back up the database into a timestamped file (pg_dump -Fc on PostgreSQL, the online backup API on SQLite), "
        "with a manifest of every table's row count and content hash beside it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--directory", default=str(settings.PROJECT_DIR / "backups"), help="where to write (default: backups/)"
        )

    def handle(self, *args: object, **options: object) -> None:
        try:
            path = backup.backup(Path(str(options["directory"])))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = backup.read_manifest(path)
        self.stdout.write(f"{path} ({backup.summary(manifest['tables'].items())})")
