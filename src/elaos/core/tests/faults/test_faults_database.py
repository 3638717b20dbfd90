"""The database connections of a running site cut (pg_terminate_backend) while requests run: the requests caught
in it fail cleanly (a 5xx without a traceback, or a clear error), and the site recovers by itself, with no restart.

PostgreSQL only: the site is served the way `manage.py serve` serves it (elaos.core.webserver, CONN_MAX_AGE
and connection health checks as in production), on the test database; the test kills every connection to that
database except its own, several times, in the middle of the load. The shared PostgreSQL server itself is never
restarted: killing the backends is what a server restart or a failover does to the application's connections."""

import json
import os
import secrets
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from elaos.core import webserver

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="cuts PostgreSQL backends (pg_terminate_backend)"),
]

ROOT = Path(settings.PROJECT_DIR)
# Pages that read the database: the catalogue (HTML), its JSON API, and the readiness check.
PATHS = ["/services/", "/api/v1/services", "/readyz"]
HEADERS = {"X-Forwarded-Proto": "https", "Accept-Language": "en"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=HEADERS)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    url = f"postgres://{db['USER']}{password}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        # The production settings, except that static files are served without a collectstatic manifest.
        "DJANGO_SETTINGS_MODULE": "elaos.settings_test",
        "DEBUG": "0",
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ELAOS_PRIVATE_MEDIA": str(tmp_path / "private-media"),
        "ELAOS_KEYS_DIR": str(tmp_path / "keys"),
        "ELAOS_KEYS_GENERATE": "1",
    }
    port = _free_port()
    command = webserver.command(host="127.0.0.1", port=port, stop_timeout=5)
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            assert time.monotonic() < deadline, "the web server did not start"
            time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _terminate_backends() -> int:
    """Cut every connection to this test database but the test's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_cut_database_connections_fail_cleanly_and_the_site_recovers(site: str) -> None:
    for path in PATHS:  # every worker thread has a database connection open before the cut
        assert _get(site + path)[0] == 200, path
    outcomes: Counter[str] = Counter()
    bad: list[str] = []
    stop = threading.Event()

    def client(n: int) -> None:
        i = n
        while not stop.is_set():
            path = PATHS[i % len(PATHS)]
            i += 1
            try:
                status, body = _get(site + path)
            except OSError as exc:  # a connection reset would be an unclean failure too
                bad.append(f"{path}: {exc!r}")
                continue
            outcomes[f"{path} {status}"] += 1
            if status != 200 and (status < 500 or "Traceback" in body or "psycopg" in body or 'File "' in body):
                bad.append(f"{path}: {status} {body[:300]}")
            if path == "/readyz" and status != 200:
                assert json.loads(body)["status"] == "unavailable"

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    killed = 0
    try:
        for _ in range(3):
            time.sleep(1.0)
            killed += _terminate_backends()
        time.sleep(1.0)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

    assert killed > 0, "no connection of the site was cut"
    assert not bad, bad[:5]
    # Recovered by itself: every page answers again, on the same server processes.
    for _ in range(3):
        for path in PATHS:
            status, body = _get(site + path)
            assert status == 200, f"{path} still failing after the cut: {status} {body[:300]}"
    print(f"\n{killed} connections cut; answers during the load: {dict(outcomes)}")  # shown with -s
