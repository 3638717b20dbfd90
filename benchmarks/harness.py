"""What the benchmarks share: the result format, a prepared site (database migrated, static files collected), a
web server started the way `manage.py serve` starts it, and a keep-alive HTTP load generator.

Everything except result lines goes to stderr: stdout is reserved for one JSON object per result."""

import asyncio
import json
import math
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The server's command line comes from the application (elaos.core.webserver); `make bench` puts src/ on the path,
# and so does this for `python -m benchmarks` run by hand.
if str(ROOT / "src") not in sys.path:
    sys.path.insert(1, str(ROOT / "src"))
MANAGE = ROOT / "manage.py"
REQUIRED_KEYS = ("name", "value", "unit", "peer", "ratio", "goal")
# Requests per keep-alive connection. The server's workers share one listening socket and whichever wakes first
# accepts a burst of new connections, so with connections held for a whole round one worker often served nearly
# all of them while the other idled (seen in the workers' CPU times). Renewing connections every few requests
# lets the idler worker pick up the next ones, as it would behind a proxy; the reconnects cost both targets alike.
PER_CONNECTION = int(os.environ.get("BENCH_PER_CONNECTION") or 10)


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


# --- results ---------------------------------------------------------------------------------------------------


def _significant(x: float, digits: int = 4) -> float:
    return float(f"{x:.{digits}g}") if math.isfinite(x) else x


def result(
    *,
    name: str,
    value: float,
    unit: str,
    peer: str,
    peer_value: float,
    goal: float,
    higher_is_better: bool,
    **extra: object,
) -> dict[str, object]:
    """One result line. `ratio` > 1 always means better than the peer, whichever way the unit points:
    ours/peer for throughputs (higher is better), peer/ours for times (lower is better). None when undefined."""
    if higher_is_better:
        ratio = value / peer_value if peer_value > 0 else None
    else:
        ratio = peer_value / value if value > 0 else None
    return {
        "name": name,
        "value": _significant(value),
        "unit": unit,
        "peer": peer,
        "peer_value": _significant(peer_value),
        "ratio": None if ratio is None else _significant(ratio),
        "goal": goal,
        **extra,
    }


def error_result(*, name: str, unit: str, peer: str, goal: float, error: str, **extra: object) -> dict[str, object]:
    """The line of a benchmark that could not measure (a page missing, a setup step refused): every required key,
    no value, and the reason in `error`, so that the other results of the run still print."""
    return {
        "name": name,
        "value": None,
        "unit": unit,
        "peer": peer,
        "peer_value": None,
        "ratio": None,
        "goal": goal,
        "error": error,
        **extra,
    }


def format_line(row: dict[str, object]) -> str:
    """A result as the single line `make bench` prints; refuses rows that miss a required key."""
    missing = [key for key in REQUIRED_KEYS if key not in row]
    if missing:
        raise ValueError(f"benchmark result {row.get('name')!r} lacks {', '.join(missing)}")
    return json.dumps(row, ensure_ascii=False, allow_nan=False)


# --- the site and its server -----------------------------------------------------------------------------------


@dataclass
class Site:
    env: dict[str, str]
    tmp: Path
    database: str  # "sqlite" or "postgresql", reported with the results
    # What benchmarks prepared in this site's database (demo data, users, sessions), by name: with a shared site
    # (see shared_sites) the next benchmark reuses it instead of preparing it again.
    cache: dict[str, Any] = field(default_factory=dict)


def _child_env(tmp: Path) -> tuple[dict[str, str], str]:
    env = dict(os.environ)
    paths = [str(ROOT / "src"), str(ROOT)]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    database_url = env.get("DATABASE_URL") or f"sqlite:///{tmp / 'db.sqlite3'}"
    env.update(
        PYTHONPATH=os.pathsep.join(paths),
        DJANGO_SETTINGS_MODULE="benchmarks.settings",
        DEBUG="0",
        DATABASE_URL=database_url,
        BENCH_STATIC_ROOT=str(tmp / "static"),
        # Uploads, issued PDFs and the document keys stay in the temporary directory, never in the project's or
        # the user's directories.
        ELAOS_PRIVATE_MEDIA=str(tmp / "private-media"),
        ELAOS_KEYS_DIR=str(tmp / "keys"),
        ELAOS_KEYS_GENERATE="1",
        # Without it the settings would write a key file into the project directory.
        SECRET_KEY=env.get("SECRET_KEY") or secrets.token_urlsafe(50),
    )
    database = "sqlite" if database_url.startswith("sqlite") else database_url.split(":", 1)[0]
    return env, {"postgres": "postgresql", "pgsql": "postgresql"}.get(database, database)


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, str(MANAGE), *args], env=env, cwd=ROOT, check=True, stdout=sys.stderr, stdin=subprocess.DEVNULL
    )


# Open shared_sites() scopes, innermost last: each holds the ExitStack that will remove its site, and the site once
# prepared.
_SHARED_SCOPES: list[dict[str, Any]] = []


@contextmanager
def shared_sites() -> Iterator[None]:
    """Inside this scope prepared_site() prepares one site and hands the same one to every benchmark, which is
    removed when the scope ends: collectstatic alone takes about 40 s, and `make bench` runs several benchmarks.
    Benchmarks sharing a site must not depend on what the others wrote to its database."""
    with ExitStack() as stack:
        scope: dict[str, Any] = {"stack": stack, "site": None}
        _SHARED_SCOPES.append(scope)
        try:
            yield
        finally:
            _SHARED_SCOPES.remove(scope)


@contextmanager
def prepared_site() -> Iterator[Site]:
    """A temporary directory with the static files collected and the database migrated: a temporary SQLite
    database, or the caller's DATABASE_URL (migrated in place; benchmarks that need data add their own, under
    names of their own). Inside shared_sites() the site is prepared once and reused."""
    if _SHARED_SCOPES:
        scope = _SHARED_SCOPES[-1]
        if scope["site"] is None:
            scope["site"] = scope["stack"].enter_context(_new_site())
        else:
            log(f"reusing the site prepared on {scope['site'].database}")
        yield scope["site"]
        return
    with _new_site() as site:
        yield site


@contextmanager
def _new_site() -> Iterator[Site]:
    with tempfile.TemporaryDirectory(prefix="elaos-bench-") as name:
        tmp = Path(name)
        env, database = _child_env(tmp)
        started = time.perf_counter()
        _manage(env, "migrate", "--no-input", "-v", "0")
        _manage(env, "collectstatic", "--no-input", "-v", "0")
        log(f"site ready on {database} in {time.perf_counter() - started:.1f} s")
        yield Site(env=env, tmp=tmp, database=database)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    host: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def _wait_until_healthy(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    url = f"http://{server.host}:{server.port}/healthz"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the web server exited with {server.process.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the web server did not answer {url} within {timeout:.0f} s:\n{server.log_tail()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=25)
        except subprocess.TimeoutExpired:
            # The server runs in its own session: its process group holds only the server and its workers.
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def web_server(site: Site, *, workers: int = 2, threads: int = 4) -> Iterator[Server]:
    """The production server as `manage.py serve` runs it (elaos.core.webserver), on a free local port; waited
    for through /healthz and always stopped. Its output goes to a log file, shown when it fails to start."""
    from elaos.core import webserver

    host, port = "127.0.0.1", free_port()
    log_path = site.tmp / f"server-{port}.log"
    command = webserver.command(host=host, port=port, workers=workers, threads=threads)
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            env=site.env,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(host=host, port=port, process=process, log_path=log_path)
    try:
        _wait_until_healthy(server, timeout=60)
        log(f"web server up on {host}:{port} ({workers} workers x {threads} threads)")
        yield server
    finally:
        _stop(process)


# --- load generation -------------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of values, by nearest rank (no interpolation); NaN when there are none."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


@dataclass
class TargetStats:
    """What one target got during the measured rounds. Only 200 responses count as done."""

    ok: int = 0
    seconds: float = 0.0
    errors: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    round_rates: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds > 0 else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def percentile(self, q: float) -> float:
        return percentile(self.latencies, q)

    def summary(self) -> str:
        spread = f"{min(self.round_rates):.0f}..{max(self.round_rates):.0f}" if self.round_rates else "-"
        errors = ", ".join(f"{k}: {v}" for k, v in self.errors.most_common()) or "none"
        return (
            f"{self.rate:.1f} req/s ({self.ok} x 200 in {self.seconds:.2f} s; rounds {spread} req/s; "
            f"p50 {self.percentile(0.5) * 1000:.1f} ms, p99 {self.percentile(0.99) * 1000:.1f} ms; errors {errors})"
        )


def build_request(
    host: str,
    port: int,
    path: str,
    headers: Mapping[str, str] | None = None,
    *,
    method: str = "GET",
    body: bytes = b"",
) -> bytes:
    """One HTTP/1.1 request, as bytes; `headers` (a Cookie, a Content-Type…) come after the standard ones."""
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: {host}:{port}",
        "User-Agent: elaos-bench",
        "Accept: text/html,*/*;q=0.8",
        "Accept-Encoding: gzip, deflate, br",
    ]
    for name, value in (headers or {}).items():
        if "\r" in name + value or "\n" in name + value:
            raise ValueError(f"header {name!r} holds a line break")
        lines.append(f"{name}: {value}")
    if body or method not in ("GET", "HEAD"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]  # lower-cased names, in the order received
    body: bytes
    keep_alive: bool

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key == name.lower()), None)

    def cookies(self) -> dict[str, str]:
        """The cookies the response sets (name -> value), from its Set-Cookie headers."""
        return set_cookies(value for key, value in self.headers if key == "set-cookie")


def set_cookies(set_cookie_headers: Any) -> dict[str, str]:
    """name -> value of Set-Cookie header values; a cookie being deleted (empty value) is left out."""
    cookies = {}
    for header in set_cookie_headers:
        name, _, rest = header.partition("=")
        value = rest.split(";", 1)[0].strip()
        if name.strip() and value and value != '""':
            cookies[name.strip()] = value
    return cookies


def multipart_body(
    fields: Mapping[str, str], files: list[tuple[str, str, str, bytes]] = (), boundary: str | None = None
) -> tuple[str, bytes]:
    """A multipart/form-data body as a browser sends a form with file inputs: (Content-Type header, body).
    `files` holds (field name, file name, content type, bytes)."""
    boundary = boundary or f"----elaos-bench-{secrets.token_hex(12)}"
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode() + b"\r\n"
        )
    for name, filename, content_type, content in files:
        parts.append(
            (
                f"--{boundary}\r\n"
                f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n"
            ).encode()
            + content
            + b"\r\n"
        )
    return f"multipart/form-data; boundary={boundary}", b"".join(parts) + f"--{boundary}--\r\n".encode()


def cookie_header(cookies: Mapping[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


async def read_full_response(reader: asyncio.StreamReader) -> Response:
    """One HTTP/1.1 response: status, headers, body and whether the connection may be reused."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    version, status, *_ = lines[0].split(b" ", 2)
    length: int | None = None
    chunked = False
    keep_alive = version == b"HTTP/1.1"
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if not line:
            continue
        raw_name, _, raw_value = line.partition(b":")
        headers.append((raw_name.strip().lower().decode("latin-1"), raw_value.strip().decode("latin-1")))
        name, value = raw_name.strip().lower(), raw_value.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value
        elif name == b"connection":
            keep_alive = value == b"keep-alive" or (keep_alive and value != b"close")
    if chunked:
        parts = []
        while size := int((await reader.readuntil(b"\r\n")).split(b";", 1)[0], 16):
            parts.append((await reader.readexactly(size + 2))[:-2])
        await reader.readuntil(b"\r\n")  # no trailers are expected; this is the blank line ending the body
        body = b"".join(parts)
    elif length is not None:
        body = await reader.readexactly(length)
    else:
        body = await reader.read()
        keep_alive = False
    return Response(int(status), headers, body, keep_alive)


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """Status, body and whether the connection may be reused, for one HTTP/1.1 response."""
    response = await read_full_response(reader)
    return response.status, response.body, response.keep_alive


async def http_request(
    host: str,
    port: int,
    path: str,
    headers: Mapping[str, str] | None = None,
    *,
    method: str = "GET",
    body: bytes = b"",
    timeout: float = 60.0,
) -> Response:
    """One request on its own connection (closed afterwards), with its full response."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(
            build_request(host, port, path, {**(headers or {}), "Connection": "close"}, method=method, body=body)
        )
        return await asyncio.wait_for(read_full_response(reader), timeout=timeout)
    finally:
        writer.close()


async def _client(
    host: str, port: int, request: bytes, stop_at: float, stats: TargetStats, per_connection: int
) -> None:
    """One client sending requests back to back until stop_at, on a keep-alive connection renewed every
    `per_connection` requests and after any failure."""
    writer: asyncio.StreamWriter | None = None
    reader: asyncio.StreamReader | None = None
    used = 0
    try:
        while time.perf_counter() < stop_at:
            if writer is not None and used >= per_connection:
                writer.close()
                writer = reader = None
            if writer is None or reader is None:
                try:
                    reader, writer = await asyncio.open_connection(host, port)
                    used = 0
                except OSError as exc:
                    stats.errors[f"connect: {type(exc).__name__}"] += 1
                    await asyncio.sleep(0.05)
                    continue
            used += 1
            sent = time.perf_counter()
            try:
                writer.write(request)
                status, _, keep_alive = await read_response(reader)
            except (OSError, EOFError, ValueError, asyncio.LimitOverrunError) as exc:
                stats.errors[type(exc).__name__] += 1
                writer.close()
                writer = reader = None
                continue
            if status == 200:
                stats.ok += 1
                stats.latencies.append(time.perf_counter() - sent)
            else:
                stats.errors[f"HTTP {status}"] += 1
            if not keep_alive:
                writer.close()
                writer = reader = None
    finally:
        if writer is not None:
            writer.close()


async def _round(
    host: str,
    port: int,
    request: bytes,
    concurrency: int,
    seconds: float,
    stats: TargetStats,
    per_connection: int = PER_CONNECTION,
) -> None:
    """`concurrency` clients on one target for `seconds`, each on its own keep-alive connection (renewed every
    `per_connection` requests); no connection outlives the round, so none sits idle past the server's keep-alive."""
    ok_before = stats.ok
    started = time.perf_counter()
    stop_at = started + seconds
    try:
        async with asyncio.timeout(seconds + 30):
            await asyncio.gather(
                *(_client(host, port, request, stop_at, stats, per_connection) for _ in range(concurrency))
            )
    except TimeoutError:
        stats.errors["round timed out (server stopped answering)"] += 1
    # Requests sent before stop_at are waited for and counted, so the round lasts until the last one came back.
    elapsed = time.perf_counter() - started
    stats.seconds += elapsed
    stats.round_rates.append((stats.ok - ok_before) / elapsed)


async def _measure(
    host: str,
    port: int,
    targets: dict[str, str],
    seconds: float,
    concurrency: int,
    warmup: float,
    rounds: int,
    headers: Mapping[str, Mapping[str, str]],
) -> dict[str, TargetStats]:
    requests = {name: build_request(host, port, path, headers.get(name)) for name, path in targets.items()}
    for name in targets:
        await _round(host, port, requests[name], concurrency, warmup, TargetStats())
    stats = {name: TargetStats() for name in targets}
    names = list(targets)
    for i in range(rounds):
        # A B, B A, A B…: slow drifts of the machine (thermal, other jobs) land on both targets alike.
        for name in names if i % 2 == 0 else reversed(names):
            await _round(host, port, requests[name], concurrency, seconds / rounds, stats[name])
    return stats


def measure(
    host: str,
    port: int,
    targets: dict[str, str],
    *,
    seconds: float,
    concurrency: int = 16,
    warmup: float = 1.0,
    round_seconds: float = 1.0,
    headers: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, TargetStats]:
    """Requests/s of each target (name -> path), `seconds` each, in interleaved rounds of about `round_seconds`,
    after `warmup` seconds on each. The load generator is one asyncio process with `concurrency` connections.
    `headers` adds request headers per target name (e.g. a session Cookie)."""
    rounds = max(1, round(seconds / round_seconds))
    cpu, wall = time.process_time(), time.perf_counter()
    stats = asyncio.run(_measure(host, port, targets, seconds, concurrency, warmup, rounds, headers or {}))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if cpu > 0.9 * wall:
        log(
            f"warning: the load generator used {cpu / wall:.0%} of a CPU; the fastest target may be limited by "
            "the client rather than the server"
        )
    return stats


def fetch(host: str, port: int, path: str, headers: Mapping[str, str] | None = None) -> tuple[int, bytes]:
    """One request on its own connection, for checking a target before loading it."""
    response = asyncio.run(http_request(host, port, path, headers, timeout=30))
    return response.status, response.body
