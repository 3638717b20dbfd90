"""Enqueue the periodic tasks named in settings.PERIODIC_TASKS when they are due (django-tasks has no scheduler).

Run it as one long-lived process beside the task workers (`manage.py serve` does), or from cron with --once.
Running two at once only enqueues some sweeps twice; every periodic task is idempotent."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Enqueue periodic tasks (SLA escalation, payment expiry, report reminders) when they are due."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("--once", action="store_true", help="enqueue every periodic task once, then exit")

    def handle(self, *args: object, once: bool, **options: object) -> None:
        schedule = [(import_string(path), seconds) for path, seconds in settings.PERIODIC_TASKS]
        next_run = [0.0] * len(schedule)
        while True:
            now = time.monotonic()
            for i, (task, seconds) in enumerate(schedule):
                if once or now >= next_run[i]:
                    task.enqueue()
                    next_run[i] = now + seconds
                    self.stdout.write(f"enqueued {task.name}")
            if once:
                return
            time.sleep(max(1.0, min(next_run) - time.monotonic()))
