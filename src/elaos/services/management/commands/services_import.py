"""Publish service definitions: `manage.py services_import [PATH ...] [--dry-run]`. An unchanged definition
publishes nothing; a changed one becomes a new version, and running applications keep theirs."""

from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.core.management import BaseCommand, CommandError
from django.db import transaction

from elaos.services.definition import load_file
from elaos.services.management.files import definition_files, display
from elaos.services.models import Service
from elaos.services.services import service_import


class Command(BaseCommand):
    help = "Import service definition files (default: the shipped catalogue); report which got a new version."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("paths", nargs="*", help="definition files or directories of them")
        parser.add_argument("--dry-run", action="store_true", help="do everything, report it, then roll it all back")

    def handle(self, *args: Any, paths: list[str], dry_run: bool, **options: Any) -> None:
        self.verbosity = options["verbosity"]
        files = definition_files(paths)
        counts = {"new": 0, "unchanged": 0, "failed": 0}
        # A dry run imports for real inside a transaction that is then rolled back, so that it reports exactly
        # what an import would do, version numbers included.
        with transaction.atomic():
            for path in files:
                counts[self._import(path, dry_run)] += 1
            transaction.set_rollback(dry_run)
        would = "would be " if dry_run else ""
        summary = (
            f"{len(files)} definition(s): {counts['new']} new version(s) {would}published, "
            f"{counts['unchanged']} unchanged, {counts['failed']} failed"
            + (" (dry run: nothing saved)" if dry_run else "")
        )
        if counts["failed"]:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))

    def _import(self, path: Path, dry_run: bool) -> str:
        name = display(path)
        try:
            definition = load_file(path)
        except (OSError, ValueError, yaml.YAMLError) as exc:
            self.stderr.write(f"{name}: cannot be read: {exc}")
            return "failed"
        before = Service.objects.filter(code=definition.get("code")).values_list("current_version", flat=True).first()
        try:
            with transaction.atomic():
                version = service_import(actor=None, definition=definition)
        except ValidationError as exc:
            for message in exc.messages:
                self.stderr.write(f"{name}: {message}")
            return "failed"
        code = version.service.code
        if version.pk == before:
            if self.verbosity > 1:
                self.stdout.write(f"{code}: unchanged (version {version.version})")
            return "unchanged"
        verb = "would be published" if dry_run else "published"
        self.stdout.write(f"{code}: version {version.version} {verb}")
        return "new"
