from django.core.management.base import BaseCommand, CommandError

from elaos.core.audit import audit_verify_chain


class Command(BaseCommand):
    help = "Walk the audit chain; exit non-zero naming the first broken row."

    def handle(self, *args: object, **options: object) -> None:
        checked, broken = audit_verify_chain()
        if broken is not None:
            raise CommandError(
                f"audit chain broken at row {broken.seq}: {broken.reason} ({checked} rows valid before it)"
            )
        self.stdout.write(f"audit chain valid: {checked} rows")
