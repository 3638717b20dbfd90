"""`make load`: e-Laos served as in production (`manage.py serve`: granian's workers, a task worker, the
periodic scheduler; PostgreSQL) under a headless locust run of citizens, officers and the public.

Prints exactly one JSON line on stdout (two with LOAD_SOAK=1); everything else goes to stderr. See README.md for
the knobs (LOAD_USERS, LOAD_SECONDS, LOAD_SPAWN_RATE, LOAD_SOAK, DATABASE_URL, …)."""

import contextlib
import csv
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MANAGE = ROOT / "manage.py"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/elaos_load"
SOAK_SECONDS = 600
RSS_EVERY = 10.0


def log(message: str) -> None:
    print(f"[load] {message}", file=sys.stderr, flush=True)


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the site --------------------------------------------------------------------------------------------------


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in `url` when it does not exist yet (SQLite needs nothing)."""
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        return
    import psycopg
    from psycopg import sql

    base, _, name = url.rpartition("/")
    name = name.split("?", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            log(f"database {name} created")


def site_env(state: Path, database_url: str) -> dict[str, str]:
    key_file = state / "secret_key"
    if not key_file.exists():
        # Kept between runs: the pre-made sessions and the issued documents stay valid.
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    env = dict(os.environ)
    paths = [str(ROOT / "src"), str(ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
    env.update(
        PYTHONPATH=os.pathsep.join(paths),
        DJANGO_SETTINGS_MODULE="loadtest.settings",
        DEBUG="0",
        DATABASE_URL=database_url,
        LOAD_STATIC_ROOT=str(state / "static"),
        ELAOS_PRIVATE_MEDIA=str(state / "private-media"),
        ELAOS_KEYS_DIR=str(state / "keys"),
        ELAOS_KEYS_GENERATE="1",
        SECRET_KEY=key_file.read_text().strip(),
        LOG_LEVEL=os.environ.get("LOAD_LOG_LEVEL", "WARNING"),
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, str(MANAGE), *args], env=env, cwd=ROOT, check=True, stdout=sys.stderr, stdin=subprocess.DEVNULL
    )


def static_is_fresh(static_root: Path) -> bool:
    """The collected files are newer than every source static file: collectstatic (about a minute with the
    compression) can be skipped."""
    manifest = static_root / "staticfiles.json"
    if not manifest.exists():
        return False
    collected = manifest.stat().st_mtime
    return all(p.stat().st_mtime < collected for p in (ROOT / "src" / "elaos").glob("**/static/**/*") if p.is_file())


def prepare(env: dict[str, str], state: Path) -> dict[str, Any]:
    started = time.perf_counter()
    manage(env, "migrate", "--no-input", "-v", "0")
    if static_is_fresh(state / "static"):
        log("static files already collected")
    else:
        manage(env, "collectstatic", "--no-input", "-v", "0")
    out = state / "data.json"
    subprocess.run(
        [sys.executable, "-m", "loadtest.fixtures", str(out)],
        env=env,
        cwd=ROOT,
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=sys.stderr,
    )
    data: dict[str, Any] = json.loads(out.read_text())
    log(
        f"site ready in {time.perf_counter() - started:.0f} s: {len(data['citizens'])} citizen sessions, "
        f"{len(data['officers'])} officer sessions (office {data['office']}), "
        + ", ".join(f"{k} {len(v)}" for k, v in data["links"].items())
    )
    return data


# --- the server ------------------------------------------------------------------------------------------------


class Server:
    """`manage.py serve` (web server + task worker + scheduler) in its own process group, its output in a file."""

    def __init__(self, env: dict[str, str], state: Path, port: int) -> None:
        self.port = port
        self.log_path = state / "serve.log"
        with self.log_path.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, str(MANAGE), "serve", "--port", str(port)],
                env=env,
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_healthy(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"manage.py serve exited with {self.process.returncode}:\n{self.tail()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        raise RuntimeError(f"no answer on /healthz within {timeout:.0f} s:\n{self.tail()}")

    def workers(self) -> list[Any]:
        """The web server's worker processes (children of its main process, elaos.core.webserver)."""
        import psutil

        try:
            serve = psutil.Process(self.process.pid)
            for child in serve.children():
                if "granian" in " ".join(child.cmdline()):
                    return child.children()
        except psutil.Error:
            pass
        return []

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the web server's workers used so far."""
        import psutil

        total = 0.0
        for worker in self.workers():
            try:
                times = worker.cpu_times()
            except psutil.Error:
                continue
            total += times.user + times.system
        return total

    def requests_served(self) -> int:
        """Requests in the access log so far."""
        try:
            with self.log_path.open("rb") as log_file:
                return sum(1 for line in log_file if b'"logger": "access"' in line)
        except OSError:
            return 0

    def workers_rss_mb(self) -> float:
        import psutil

        total = 0
        for worker in self.workers():
            try:
                total += worker.memory_info().rss
            except psutil.Error:
                continue
        return total / 1024 / 1024

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=40)
        # Whatever is left of its own process group (it runs in a session of its own).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


def warm_up(port: int, data: dict[str, Any]) -> None:
    """Each page type a few times before measuring, so that no worker meets its first search (the Lao word
    segmenter's dictionary), template compilation or translation catalogue during the measured run: a restarted
    worker is not what the load test is about. Anonymous requests on fresh connections, shared among the workers."""
    from urllib.parse import quote

    paths = [*data["public_pages"], *(links[0] for links in data["links"].values() if links)]
    paths += [f"/services/?q={quote(q)}" for q in data["searches"]]
    paths += [f"/npas/?q={quote(q)}" for q in data["searches"][:3]]
    paths.append(f"/verify/?c={quote(data['verify_payload'], safe='')}")
    cookie = {"Cookie": f"sessionid={data['citizens'][0]['session']}"}
    started = time.perf_counter()
    for _round in range(4):
        for path in paths:
            for headers in ({}, cookie):
                request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
                with contextlib.suppress(OSError), urllib.request.urlopen(request, timeout=60) as response:
                    response.read()
    log(f"warmed up in {time.perf_counter() - started:.0f} s ({len(paths)} pages, 4 rounds, anonymous and signed in)")


# --- locust ----------------------------------------------------------------------------------------------------


def run_locust(
    env: dict[str, str], data_path: Path, state: Path, port: int, users: int, rate: float, seconds: int
) -> Path:
    prefix = state / "locust"
    for old in state.glob("locust_*.csv"):
        old.unlink()
    ramp = users / rate
    run_time = int(ramp + seconds + 1)
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(ROOT / "loadtest" / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(rate),
        "--run-time",
        f"{run_time}s",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(prefix),
        # The statistics start when every user is running: the steady state, not the ramp.
        "--reset-stats",
        "--only-summary",
        "--stop-timeout",
        "10",
        "--loglevel",
        "WARNING",
    ]
    log(f"locust: {users} users, spawned at {rate:g}/s ({ramp:.0f} s), then {seconds} s measured")
    subprocess.run(
        command,
        env={**env, "LOAD_DATA": str(data_path), "LOAD_USERS": str(users)},
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=sys.stderr,
        check=False,  # locust exits 1 when a request failed: the failures are in the CSV
    )
    return Path(f"{prefix}_stats.csv")


def _number(row: dict[str, str], key: str) -> float:
    try:
        return float(row.get(key) or "nan")
    except ValueError:
        return float("nan")


def summarise(stats_path: Path, users: int) -> dict[str, Any]:
    rows = list(csv.DictReader(stats_path.open()))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    endpoints = [r for r in rows if r["Name"] != "Aggregated"]
    log("slowest endpoints by p95 (steady state):")
    log(f"  {'request':<34} {'count':>7} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>7} {'rps':>6}")
    for row in sorted(endpoints, key=lambda r: -_number(r, "95%")):
        log(
            f"  {row['Type'] + ' ' + row['Name']:<34} {row['Request Count']:>7} {row['Failure Count']:>5} "
            f"{row['50%']:>6} {row['95%']:>6} {row['99%']:>6} {float(row['Max Response Time']):>7.0f} "
            f"{float(row['Requests/s']):>6.1f}"
        )
    failures = stats_path.with_name(stats_path.name.replace("_stats.csv", "_failures.csv"))
    if failures.exists():
        for row in csv.DictReader(failures.open()):
            log(f"  failure x{row['Occurrences']}: {row['Method']} {row['Name']}: {row['Error'][:200]}")
    log(f"{total['Request Count']} requests measured, {total['Failure Count']} failed")
    return {
        "name": f"load_{users}_users",
        "p50_ms": _number(total, "50%"),
        "p95_ms": _number(total, "95%"),
        "p99_ms": _number(total, "99%"),
        "rps": round(_number(total, "Requests/s"), 1),
        "errors": int(total["Failure Count"]),
    }


class RssSampler(threading.Thread):
    def __init__(self, server: Server) -> None:
        super().__init__(daemon=True)
        self.server = server
        self.samples: list[tuple[float, float]] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        started = time.monotonic()
        while not self.stopped.wait(RSS_EVERY):
            mb = self.server.workers_rss_mb()
            self.samples.append((time.monotonic() - started, mb))
            log(f"rss t={self.samples[-1][0]:.0f}s web workers {mb:.1f} MB")


def main() -> int:
    users = env_int("LOAD_USERS", 1000)
    soak = os.environ.get("LOAD_SOAK", "").strip() in {"1", "true", "yes"}
    seconds = env_int("LOAD_SECONDS", SOAK_SECONDS if soak else 120)
    rate = float(os.environ.get("LOAD_SPAWN_RATE") or max(1.0, users / 20))
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE
    state = Path(os.environ.get("LOAD_STATE_DIR") or Path(tempfile.gettempdir()) / "elaos-load")
    state.mkdir(parents=True, exist_ok=True)
    log(f"database {database_url.split('@')[-1]}, state in {state}")

    ensure_database(database_url)
    env = site_env(state, database_url)
    data = prepare(env, state)
    port = env_int("LOAD_PORT", 0) or free_port()
    server = Server(env, state, port)
    sampler = RssSampler(server) if soak else None
    try:
        server.wait_healthy()
        log(f"manage.py serve up on 127.0.0.1:{port} (web workers: {len(server.workers())})")
        warm_up(port, data)
        if sampler:
            sampler.start()
        cpu_before, served_before = server.cpu_seconds(), server.requests_served()
        stats = run_locust(env, state / "data.json", state, port, users, rate, seconds)
        cpu, served = server.cpu_seconds() - cpu_before, server.requests_served() - served_before
        if served:
            # Independent of how busy the machine is: what a request costs the web workers, on average, in this mix.
            log(
                f"web workers used {cpu:.0f} CPU s for {served} requests (ramp included): "
                f"{cpu / served * 1000:.1f} CPU ms per request, i.e. about {served / cpu:.0f} requests/s per core"
            )
        if sampler:
            sampler.stopped.set()
            sampler.join()
        if server.process.poll() is not None:
            log(f"the server died during the run:\n{server.tail()}")
        result = summarise(stats, users)
    finally:
        server.stop()
    print(json.dumps(result), flush=True)
    if sampler:
        # The first minute fills caches (templates, translations, connections): memory is judged after it.
        ramp = users / rate
        settled = [mb for t, mb in sampler.samples if t >= ramp + 60] or [mb for _t, mb in sampler.samples]
        start_mb = statistics.mean(settled[:3]) if settled else float("nan")
        end_mb = statistics.mean(settled[-3:]) if settled else float("nan")
        growth = (end_mb - start_mb) / start_mb * 100 if start_mb else float("nan")
        print(
            json.dumps(
                {
                    "name": "soak_memory",
                    "start_mb": round(start_mb, 1),
                    "end_mb": round(end_mb, 1),
                    "growth_pct": round(growth, 1),
                    "samples": len(sampler.samples),
                    "seconds": seconds,
                }
            ),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
