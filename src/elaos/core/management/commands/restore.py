from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from elaos.core import backup
from elaos.core.audit import audit_verify_chain


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the database of DATABASE_URL (which must be empty unless "
        "--force), then check every table's row count and content hash against the backup's manifest and walk the "
        "audit chain."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the backup file (its .manifest.json must be beside it)")
        parser.add_argument("--force", action="store_true", help="replace the content of a database that is not empty")

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["file"]))
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        try:
            manifest = backup.restore(path, force=bool(options["force"]))
            problems = backup.differences(manifest["tables"], backup.restored_fingerprints())
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        if problems:
            raise CommandError("the restored database differs from the backup:\n  " + "\n  ".join(problems))
        self.stdout.write(f"restored {path}: {backup.summary(manifest['tables'].items())}, identical to the backup")
        checked, broken = audit_verify_chain()
        if broken is not None:
            raise CommandError(f"audit chain broken at row {broken.seq}: {broken.reason}")
        self.stdout.write(f"audit chain valid: {checked} rows")
