"""Check service definitions before they are imported: `manage.py services_check [PATH ...]`."""

from typing import Any

import yaml
from django.core.management import BaseCommand, CommandError

from elaos.services.definition import load_file, service_errors
from elaos.services.management.files import definition_files, display
from elaos.services.services import known_codes


class Command(BaseCommand):
    help = (
        "Validate service definition files (default: the shipped catalogue) against the definition format, the "
        "workflow library and the organisations, categories and life events in the database."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("paths", nargs="*", help="definition files or directories of them")

    def handle(self, *args: Any, paths: list[str], **options: Any) -> None:
        files = definition_files(paths)
        known = known_codes()
        seen: dict[str, str] = {}
        failed = 0
        for path in files:
            name = display(path)
            try:
                definition = load_file(path)
            except (OSError, ValueError, yaml.YAMLError) as exc:
                problems = [f"cannot be read: {exc}"]
            else:
                problems = service_errors(definition, known=known)
                code = definition.get("code")
                if isinstance(code, str):
                    if code in seen:
                        problems.append(f"code: {code!r} is also defined in {seen[code]}")
                    seen.setdefault(code, name)
            if problems:
                failed += 1
                for problem in problems:
                    self.stderr.write(f"{name}: {problem}")
            elif options["verbosity"] > 1:
                self.stdout.write(f"{name}: ok")
        summary = f"{len(files)} definition(s) checked, {len(files) - failed} valid, {failed} with problems"
        if failed:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
