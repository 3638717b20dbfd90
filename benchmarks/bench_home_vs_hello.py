"""home_vs_hello: requests/s of the e-Laos home page against a bare Django view returning "hello", both served by
the same web server (production settings, 2 workers) on the same database, measured in interleaved rounds.

The peer goes through the same middleware stack, so the ratio isolates what the home page itself costs: template
rendering, translations, the CSRF token for the language switch, static URLs from the manifest. Every request
comes without cookies, like a first visit."""

from benchmarks.harness import env_float, env_int, fetch, log, measure, prepared_site, result, web_server

HOME = "/"
HELLO = "/bench/hello"
GOAL = 0.5  # the home page should keep at least half the throughput of the cheapest possible Django page


def run() -> list[dict[str, object]]:
    seconds = env_float("BENCH_SECONDS", 5.0)
    concurrency = env_int("BENCH_CONCURRENCY", 16)
    warmup = env_float("BENCH_WARMUP", min(1.0, seconds))
    with prepared_site() as site, web_server(site, workers=2, threads=env_int("BENCH_THREADS", 4)) as server:
        status, body = fetch(server.host, server.port, HOME)
        if status != 200 or b"<html" not in body:
            raise RuntimeError(f"GET {HOME} answered {status}; server log:\n{server.log_tail()}")
        status, body = fetch(server.host, server.port, HELLO)
        if (status, body) != (200, b"hello"):
            raise RuntimeError(f"GET {HELLO} answered {status} {body[:80]!r}; server log:\n{server.log_tail()}")
        stats = measure(
            server.host,
            server.port,
            {"home": HOME, "hello": HELLO},
            seconds=seconds,
            concurrency=concurrency,
            warmup=warmup,
        )
    home, hello = stats["home"], stats["hello"]
    log(f"home  {HOME}: {home.summary()}")
    log(f"hello {HELLO}: {hello.summary()}")
    if home.error_count or hello.error_count:
        log(f"warning: {home.error_count + hello.error_count} failed requests (not counted in req/s)")
    return [
        result(
            name="home_vs_hello",
            value=home.rate,
            unit="req/s",
            peer="bare Django view (hello)",
            peer_value=hello.rate,
            goal=GOAL,
            higher_is_better=True,
            errors=home.error_count + hello.error_count,
            seconds=seconds,
            concurrency=concurrency,
            database=site.database,
        )
    ]
