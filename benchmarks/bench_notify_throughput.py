"""notify_throughput: SMS per second from enqueue to the SMS gateway, through the real task queue.

What is timed: `BENCH_NOTIFY_PRODUCERS` processes of `BENCH_NOTIFY_PRODUCER_THREADS` threads (each with its own
database connection, like a web server's threads; default 4 on PostgreSQL, 1 on SQLite, where writers queue for one
lock and more threads only add waiting) call `sms_send` (Lao text, UCS-2), each message in its own
committed transaction as a request would, `BENCH_NOTIFY_MESSAGES` in all; `manage.py db_worker` processes started
the way `manage.py serve` starts them (`--queue-name * --interval 0.5 --no-reload`; `BENCH_NOTIFY_WORKERS` of them)
run the `deliver_due` tasks that commits queue, and send every message through the Kannel adapter over HTTP to the
local gateway simulator (`python -m elaos.notifications.gateway_simulator`, a separate process). `value` = messages
/ (last arrival at the simulator - first enqueue), in messages/s. The goal is on the value itself (`goal_of:
"value"`): 1,000 messages/s (GOV.UK Notify peaks near 360/s).

The peer is the same number of the same sendsms requests sent through the same adapter (its keep-alive connections
and thread concurrency) from one process, with no database and no task queue, measured half before and half after:
the gateway path alone. `ratio` = ours / peer tells what the queue, the database writes (insert, claim, result) and
the hand-overs between processes cost on top of the HTTP requests.

Before the measured run a small warm-up run goes the whole way (imports, connections, the first tasks). After it,
every message of the run must be `sent` in the database and have reached the simulator exactly once (by our id);
`duplicates` counts repeated requests for one id (0 expected without faults)."""

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path

from benchmarks.harness import MANAGE, ROOT, env_int, error_result, free_port, log, prepared_site, result

GOAL = 1000.0
NAME = "notify_throughput"
UNIT = "messages/s"
PEER = "the same sendsms requests through the same Kannel adapter, one process, no queue, no database"


def _json(url: str, method: str = "GET") -> dict:
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _start(stack: ExitStack, command: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    log_file = stack.enter_context(log_path.open("wb"))
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT
    )

    def stop() -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    stack.callback(stop)
    return process


def _load(env: dict[str, str], *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.notify_load", *args],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


def _produce(env: dict[str, str], total: int, producers: int, tag: str, threads: int) -> list[dict]:
    """`producers` processes at once, sharing `total` messages; their start and end times."""
    share = -(-total // producers)
    processes = []
    for i in range(producers):
        count = min(share, total - i * share)
        command = [sys.executable, "-m", "benchmarks.notify_load", "produce", "--count", str(count)]
        command += ["--start", str(i * share), "--tag", tag, "--threads", str(threads)]
        processes.append(subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL))
    outputs = []
    for process in processes:
        out, _ = process.communicate(timeout=600)
        if process.returncode != 0:
            raise RuntimeError(f"a producer exited with {process.returncode}")
        outputs.append(json.loads(out.decode().strip().splitlines()[-1]))
    return outputs


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_for(stats_url: str, expected: int, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    stats = _json(stats_url)
    while stats["delivered"] < expected and time.monotonic() < deadline:
        time.sleep(0.05)
        stats = _json(stats_url)
    return stats


def run() -> list[dict[str, object]]:
    total = env_int("BENCH_NOTIFY_MESSAGES", 5000)
    workers = env_int("BENCH_NOTIFY_WORKERS", 2)
    producers = env_int("BENCH_NOTIFY_PRODUCERS", 2)
    threads = env_int("BENCH_NOTIFY_PRODUCER_THREADS", 0)  # 0: 1 on SQLite (one writer at a time), 4 otherwise
    concurrency = env_int("BENCH_NOTIFY_CONCURRENCY", 16)
    timeout = float(env_int("BENCH_NOTIFY_TIMEOUT", 300))
    extra = {
        "messages": total,
        "workers": workers,
        "producers": producers,
        "producer_threads": threads,
        "concurrency": concurrency,
    }
    with prepared_site() as site, ExitStack() as stack:
        extra["database"] = site.database
        threads = threads or (1 if site.database == "sqlite" else 4)
        extra["producer_threads"] = threads
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {
            **site.env,
            "DJANGO_SETTINGS_MODULE": "benchmarks.notify_settings",
            "NOTIFY_SMS_BACKEND": "kannel",
            "SMS_GATEWAY_URL": f"{base}/cgi-bin/sendsms",
            "NOTIFY_SMS_CONCURRENCY": str(concurrency),
        }
        simulator = [sys.executable, "-m", "elaos.notifications.gateway_simulator", "--port", str(port)]
        _start(stack, simulator, env, site.tmp / "sms-gateway.log")
        deadline = time.monotonic() + 30
        while True:
            try:
                _json(f"{base}/stats")
                break
            except OSError:
                if time.monotonic() > deadline:
                    return [error_result(name=NAME, unit=UNIT, peer=PEER, goal=GOAL, error="simulator down", **extra)]
                time.sleep(0.1)
        worker = [sys.executable, str(MANAGE), "db_worker", "--queue-name", "*", "--interval", "0.5", "--no-reload"]
        worker_pids = [_start(stack, worker, env, site.tmp / f"db-worker-{i}.log").pid for i in range(workers)]

        # The peer, first half.
        peer_runs = [_load(env, "peer", "--count", str(total // 2))]
        _json(f"{base}/reset", "POST")

        # Warm-up: the whole way, a few hundred messages.
        tag = secrets.token_hex(4)
        warm = min(300, total)
        _produce(env, warm, producers, f"{tag}-warm", threads)
        if _wait_for(f"{base}/stats", warm, timeout)["delivered"] < warm:
            return [
                error_result(
                    name=NAME,
                    unit=UNIT,
                    peer=PEER,
                    goal=GOAL,
                    error="warm-up messages never reached the gateway",
                    **extra,
                )
            ]
        _json(f"{base}/reset", "POST")

        # The measured run, and the CPU time it took in the producers and the workers.
        workers_cpu = sum(_cpu_seconds(pid) for pid in worker_pids)
        produced = _produce(env, total, producers, tag, threads)
        producers_cpu = sum(p["cpu"] for p in produced)  # sms_send calls only, without the process start-up
        stats = _wait_for(f"{base}/stats", total, timeout)
        workers_cpu = sum(_cpu_seconds(pid) for pid in worker_pids) - workers_cpu
        statuses = _load(env, "count", "--tag", tag)

        peer_runs.append(_load(env, "peer", "--count", str(total - total // 2)))

    first_enqueue = min(p["started"] for p in produced)
    enqueue_seconds = max(p["finished"] for p in produced) - first_enqueue
    peer_ok = sum(p["ok"] for p in peer_runs)
    peer_seconds = sum(p["finished"] - p["started"] for p in peer_runs)
    peer_rate = peer_ok / peer_seconds if peer_seconds > 0 else 0.0
    log(f"peer: {peer_ok} sendsms in {peer_seconds:.2f} s ({peer_rate:.0f}/s)")
    log(f"enqueued {total} in {enqueue_seconds:.2f} s ({total / enqueue_seconds:.0f}/s); gateway {stats}")
    log(f"database: {statuses}")
    log(f"CPU: producers {producers_cpu:.2f} s, workers {workers_cpu:.2f} s for {total} messages")
    extra.update(
        duplicates=stats["duplicates"],
        producer_cpu_ms=round(producers_cpu * 1000 / total, 3),
        worker_cpu_ms=round(workers_cpu * 1000 / total, 3),
        # What one fully available CPU core would carry at this cost (producers + workers, not the simulator).
        per_core_estimate=round(total / (producers_cpu + workers_cpu)),
        enqueue_per_s=round(total / enqueue_seconds),
        statuses=statuses,
    )
    if stats["delivered"] < total or statuses.get("sent", 0) != total:
        return [
            error_result(
                name=NAME,
                unit=UNIT,
                peer=PEER,
                goal=GOAL,
                error=f"{stats['delivered']} of {total} messages reached the gateway within {timeout:.0f} s",
                **extra,
            )
        ]
    seconds = stats["last_at"] - first_enqueue
    return [
        result(
            name=NAME,
            value=total / seconds,
            unit=UNIT,
            peer=PEER,
            peer_value=peer_rate,
            goal=GOAL,
            goal_of="value",
            higher_is_better=True,
            seconds=round(seconds, 2),
            errors=stats["refused"],
            **extra,
        )
    ]
