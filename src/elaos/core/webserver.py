"""The production web server's command line, in one place: `manage.py serve`, the benchmarks and the fault tests
start the site the same way.

Granian (HTTP in Rust, the Django app on a pool of Python threads per worker process) replaced gunicorn's gthread
workers, whose HTTP parsing, connection polling and response writing ran in Python under the same interpreter
lock as the views: under `make load` the same code and data answered with a p95 of 0.99 s on gunicorn and
0.23–0.28 s on granian (ADR 0010)."""

import sys

# Requests (and idle keep-alive connections, which count against it) a worker takes at once; more wait in the
# kernel's backlog. Granian's default (backlog / workers, 512 with two) left the 1,000 users of `make load`
# without an answer now and then: each holds a keep-alive connection. gunicorn's default was 1,000 per worker.
BACKPRESSURE = 1000
BACKLOG = 2048


def command(*, host: str, port: int, workers: int = 2, threads: int = 4, stop_timeout: int = 20) -> list[str]:
    """The argv that serves `elaos.wsgi:application` on host:port with `workers` processes of `threads` threads
    each. Requests are logged by the app itself (elaos.core.middleware, logger "access"), so the server's own
    access log stays off."""
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "elaos.wsgi:application",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        str(threads),
        "--backlog",
        str(BACKLOG),
        "--backpressure",
        str(BACKPRESSURE),
        "--no-ws",
        "--no-access-log",
        "--respawn-failed-workers",
        "--workers-kill-timeout",
        str(stop_timeout),
    ]
