"""Serve e-Laos as in production: granian (2+ worker processes of 4 threads, static files by whitenoise; see
elaos.core.webserver), a task worker and the periodic-task scheduler.
With --dev, Django's autoreloading server instead of granian."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from elaos.core import webserver


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Run the web server and a background task worker together until interrupted."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
        parser.add_argument("--dev", action="store_true")

    def handle(self, *args: object, port: int, host: str, workers: int, dev: bool, **options: object) -> None:
        manage = str(settings.PROJECT_DIR / "manage.py")
        env = {**os.environ, "PYTHONPATH": str(Path(settings.BASE_DIR).parent)}
        if dev:
            web = [sys.executable, manage, "runserver", f"{host}:{port}"]
        else:
            web = webserver.command(host=host, port=port, workers=max(2, workers))
        worker = [
            sys.executable,
            manage,
            "db_worker",
            "--queue-name",
            "*",
            "--interval",
            "0.5",
            "--no-reload",
        ]
        self.print_banner(host, port)
        # Stop both children on SIGTERM too, not only on Ctrl+C.
        signal.signal(signal.SIGTERM, _interrupt)
        periodic = [sys.executable, manage, "periodic"]
        procs = [subprocess.Popen(cmd, env=env) for cmd in (web, worker, periodic)]  # noqa: S603
        try:
            while all(p.poll() is None for p in procs):
                try:
                    procs[0].wait(timeout=1)
                except subprocess.TimeoutExpired:
                    continue
        except KeyboardInterrupt:
            pass
        finally:
            for p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            for p in procs:
                try:
                    p.wait(timeout=25)
                except subprocess.TimeoutExpired:
                    p.kill()

    def print_banner(self, host: str, port: int) -> None:
        from elaos.demo.data import DEMO_LOGINS

        self.stdout.write(f"\ne-Laos is running on http://{host}:{port}/  (Ctrl+C stops it)\n")
        self.stdout.write("Demo logins:")
        for line in DEMO_LOGINS:
            self.stdout.write(f"  {line}")
        self.stdout.write("")
