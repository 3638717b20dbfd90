"""What the citizen and back-office benchmarks share: their data, made once per site by benchmarks.fixtures in a
subprocess (it needs Django and the site's database, the load generator needs neither), and the measurement of
one page's requests/s against the bare hello view."""

import json
import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any

from benchmarks.harness import (
    ROOT,
    Site,
    env_float,
    env_int,
    fetch,
    log,
    measure,
    result,
    web_server,
)

HELLO = "/bench/hello"
PEER = "bare Django view (hello)"
DEFAULT_SECONDS = 5.0


def fixture(site: Site, name: str, *, reuse: bool = True, **params: Any) -> dict[str, Any]:
    """Run benchmarks.fixtures NAME against the site's database and return what it made. The demo data is loaded
    by the first fixture of a site; with `reuse`, a fixture already made in this site with the same parameters is
    returned again instead of made twice (the status and verify benchmarks share one citizen)."""
    key = f"fixture:{name}:{json.dumps(params, sort_keys=True)}"
    if reuse and key in site.cache:
        log(f"reusing fixture {name}")
        return site.cache[key]
    out = site.tmp / f"fixture-{name}-{secrets.token_hex(4)}.json"
    args = {**params, "load_demo": not site.cache.get("demo_loaded")}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "benchmarks.fixtures", name, json.dumps(args), str(out)],
        # Django's INFO logs (WeasyPrint's progress among them) would drown the benchmark's own lines.
        env={**site.env, "LOG_LEVEL": "WARNING"},
        cwd=ROOT,
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=sys.stderr,
    )
    site.cache["demo_loaded"] = True
    data: dict[str, Any] = json.loads(out.read_text())
    log(f"fixture {name} ready in {time.perf_counter() - started:.1f} s")
    if reuse:
        site.cache[key] = data
    return data


def page_vs_hello(
    *,
    site: Site,
    name: str,
    path: str,
    goal: float,
    check: Callable[[bytes], bool],
    headers: Mapping[str, str] | None = None,
    queries: Mapping[str, Any] | None = None,
    peer_queries: Mapping[str, Any] | None = None,
) -> dict[str, object]:
    """Requests/s of GET `path` against GET /bench/hello, both with `headers` (e.g. the same session cookie), on
    one web server, in interleaved rounds. `check` must accept the page's body before the load starts.
    `queries` / `peer_queries` (from a fixture) add the SQL queries per request to the line."""
    seconds = env_float("BENCH_SECONDS", DEFAULT_SECONDS)
    concurrency = env_int("BENCH_CONCURRENCY", 16)
    warmup = env_float("BENCH_WARMUP", min(1.0, seconds))
    headers = dict(headers or {})
    with web_server(site, workers=2, threads=env_int("BENCH_THREADS", 4)) as server:
        status, body = fetch(server.host, server.port, path, headers)
        if status != 200 or not check(body):
            raise RuntimeError(
                f"GET {path} answered {status} {body[:200]!r} (check failed); server log:\n{server.log_tail()}"
            )
        status, body = fetch(server.host, server.port, HELLO, headers)
        if (status, body) != (200, b"hello"):
            raise RuntimeError(f"GET {HELLO} answered {status} {body[:80]!r}; server log:\n{server.log_tail()}")
        stats = measure(
            server.host,
            server.port,
            {"page": path, "hello": HELLO},
            seconds=seconds,
            concurrency=concurrency,
            warmup=warmup,
            headers={"page": headers, "hello": headers},
        )
    page, hello = stats["page"], stats["hello"]
    log(f"{name}: page  {path[:80]}: {page.summary()}")
    log(f"{name}: hello {HELLO}: {hello.summary()}")
    if page.error_count or hello.error_count:
        log(f"warning: {page.error_count + hello.error_count} failed requests (not counted in req/s)")
    extra: dict[str, object] = {}
    if queries is not None:
        extra["queries"] = queries["queries"]
    if peer_queries is not None:
        extra["peer_queries"] = peer_queries["queries"]
    return result(
        name=name,
        value=page.rate,
        unit="req/s",
        peer=PEER + (" with the same session cookie" if "Cookie" in headers else ""),
        peer_value=hello.rate,
        goal=goal,
        higher_is_better=True,
        errors=page.error_count + hello.error_count,
        **extra,
        seconds=seconds,
        concurrency=concurrency,
        database=site.database,
    )
