"""The task worker killed (SIGKILL) in the middle of a batch of 500 SMS, then started again: every message reaches
the gateway, and none reaches the phone twice.

Everything here is a real process, started the way `manage.py serve` starts it: the gateway simulator (Kannel's
sendsms over HTTP), `manage.py db_worker`, and `manage.py periodic` (its only periodic task here is the delivery
sweep, every second). The messages are written by another process through `sms_send`. On PostgreSQL the processes
share the test database; on SQLite they share a database file of their own (the test database is in memory).

At-least-once at the gateway: answers that came back in the last moments before the kill were not yet recorded,
so those messages are sent again once their lease (2 s here) ends. Each request carries our message id, the
simulator delivers each id once, and the test checks that only messages that were being sent when the worker died
were repeated."""

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.PROJECT_DIR)
MESSAGES = 500


@dataclass
class Site:
    env: dict[str, str]
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def python(self, code: str) -> object:
        """Run `code` in a Django shell of the site; it prints one JSON value, which is returned."""
        done = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "shell", "-c", code],
            env=self.env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=120,
        )
        return json.loads(done.stdout.decode().strip().splitlines()[-1])

    def start(self, *command: str) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, *command],
            env=self.env,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.processes.append(process)
        return process

    def worker(self) -> subprocess.Popen[bytes]:
        manage = str(ROOT / "manage.py")
        return self.start(manage, "db_worker", "--queue-name", "*", "--interval", "0.5", "--no-reload")


def _database_url(tmp_path: Path) -> str:
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        return f"postgres://{db['USER']}{password}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{tmp_path / 'faults.sqlite3'}"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "elaos.notifications.tests.fault_settings",
        "DATABASE_URL": _database_url(tmp_path),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ELAOS_PRIVATE_MEDIA": str(tmp_path / "private-media"),
        "ELAOS_KEYS_DIR": str(tmp_path / "keys"),
        "ELAOS_KEYS_GENERATE": "1",
        "NOTIFY_SMS_BACKEND": "kannel",
    }
    site = Site(env=env)
    if connection.vendor == "sqlite":
        site.python(
            "from django.core.management import call_command; "
            "call_command('migrate', 'notifications', verbosity=0); "
            "call_command('migrate', 'django_tasks_database', verbosity=0); print(0)"
        )
    try:
        yield site
    finally:
        for process in site.processes:
            if process.poll() is None:
                process.kill()
            process.wait()


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def _wait(condition, timeout: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {timeout:.0f} s")
        time.sleep(0.02)
    return value


STATUS_CODE = (
    "import json; from elaos.notifications.models import Message; "
    "print(json.dumps({str(m.public_id): [m.status, m.attempts] for m in Message.objects.all()}))"
)


def test_a_worker_killed_in_the_middle_of_a_batch_loses_nothing_and_sends_nothing_twice(site: Site) -> None:
    # The gateway: 10 ms per request, and the worker sends 2 at a time, so a batch of 500 takes seconds.
    gateway = site.start("-m", "elaos.notifications.gateway_simulator", "--port", "0", "--latency-ms", "10")
    base = gateway.stdout.readline().decode().split("http://", 1)[1].split("/", 1)[0]  # type: ignore[union-attr]
    site.env.update(SMS_GATEWAY_URL=f"http://{base}/cgi-bin/sendsms", NOTIFY_SMS_CONCURRENCY="2")
    stats_url = f"http://{base}/stats"

    # 500 Lao SMS, committed by another process (one transaction: one delivery task is queued).
    site.python(
        "from django.db import transaction; from elaos.notifications.services import sms_send\n"
        "with transaction.atomic():\n"
        f"    for n in range({MESSAGES}):\n"
        "        sms_send(to=f'+85620{55000000 + n}', body=f'ລະຫັດຢືນຢັນ e-Laos ຂອງທ່ານແມ່ນ {n:06d}')\n"
        "print(0)"
    )

    # The worker takes the batch; it is killed once about a fifth of it has reached the gateway.
    worker = site.worker()
    _wait(lambda: _get(stats_url)["delivered"] >= MESSAGES // 5, 60, "the worker did not start sending")
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    at_kill = _get(stats_url)
    assert at_kill["delivered"] < MESSAGES, "the batch was over before the kill: make the gateway slower"
    state = site.python(STATUS_CODE)
    assert isinstance(state, dict)
    assert len(state) == MESSAGES
    in_the_window = {pk for pk, (status, _) in state.items() if status == "sending"}
    recorded_sent = {pk for pk, (status, _) in state.items() if status == "sent"}
    assert in_the_window, "nothing was left claimed by the dead worker"
    assert recorded_sent | in_the_window == set(state)

    # Started again, as `manage.py serve` would: a worker and the periodic sweep, which re-queues the delivery.
    site.worker()
    site.start(str(ROOT / "manage.py"), "periodic")
    _wait(lambda: _get(stats_url)["unique_ids"] >= MESSAGES, 60, "not every message reached the gateway")

    def all_sent() -> dict | None:
        state = site.python(STATUS_CODE)
        assert isinstance(state, dict)
        return state if all(status == "sent" for status, _ in state.values()) else None

    final = _wait(all_sent, 30, "not every message was recorded as sent")

    received = _get(f"http://{base}/received")
    stats = _get(stats_url)
    # Every message reached the gateway, each one delivered to the phone once (by our id).
    assert set(received) == set(final)
    assert stats["delivered"] == MESSAGES
    # Only messages whose answer was not yet recorded when the worker died were asked for again, and only once.
    repeated = {pk for pk, requests in received.items() if requests > 1}
    assert repeated <= in_the_window
    assert all(requests <= 2 for requests in received.values())
    assert stats["duplicates"] == len(repeated)
    assert {pk for pk, (_, attempts) in final.items() if attempts == 2} == in_the_window
    assert all(attempts == 1 for pk, (_, attempts) in final.items() if pk in recorded_sent)
    print(  # shown with -s: how wide the at-least-once window was
        f"\nkilled after {at_kill['delivered']} deliveries; {len(in_the_window)} claimed but unrecorded; "
        f"{len(repeated)} sent twice to the gateway (deduplicated by id)"
    )
