"""The benchmark harness, without gunicorn: the result line, which way `ratio` points, the HTTP response reader,
and the load generator against a tiny in-process server."""

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from django.test import RequestFactory
from django.urls import resolve

from benchmarks import __main__ as runner
from benchmarks.harness import REQUIRED_KEYS, format_line, free_port, measure, read_response, result
from benchmarks.urls import hello


def test_throughput_ratio_is_ours_over_peer() -> None:
    row = result(name="t", value=250.0, unit="req/s", peer="p", peer_value=1000.0, goal=0.5, higher_is_better=True)
    assert row["ratio"] == 0.25
    faster = result(name="t", value=2000.0, unit="req/s", peer="p", peer_value=1000.0, goal=0.5, higher_is_better=True)
    assert faster["ratio"] == 2.0


def test_time_ratio_is_peer_over_ours() -> None:
    slower = result(name="t", value=0.4, unit="s", peer="p", peer_value=0.1, goal=0.5, higher_is_better=False)
    assert slower["ratio"] == 0.25
    quicker = result(name="t", value=0.05, unit="s", peer="p", peer_value=0.1, goal=0.5, higher_is_better=False)
    assert quicker["ratio"] == 2.0


def test_ratio_is_null_when_undefined() -> None:
    no_peer = result(name="t", value=10.0, unit="req/s", peer="p", peer_value=0.0, goal=1, higher_is_better=True)
    instant = result(name="t", value=0.0, unit="s", peer="p", peer_value=1.0, goal=1, higher_is_better=False)
    assert no_peer["ratio"] is None
    assert instant["ratio"] is None
    assert json.loads(format_line(no_peer))["ratio"] is None


def test_result_line_is_one_json_object_with_the_required_keys() -> None:
    row = result(
        name="home_vs_hello",
        value=812.34567,
        unit="req/s",
        peer="bare Django view (hello)",
        peer_value=2000.0,
        goal=0.5,
        higher_is_better=True,
        errors=0,
    )
    line = format_line(row)
    assert "\n" not in line
    parsed = json.loads(line)
    assert set(REQUIRED_KEYS) | {"peer_value", "errors"} == set(parsed)
    assert parsed["value"] == 812.3  # four significant digits
    assert parsed["ratio"] == pytest.approx(812.3 / 2000, rel=1e-3)


def test_format_line_refuses_incomplete_rows() -> None:
    with pytest.raises(ValueError, match="ratio"):
        format_line({"name": "x", "value": 1, "unit": "s", "peer": "p", "goal": 1})


def _parse(raw: bytes) -> tuple[int, bytes, bool]:
    async def parse() -> tuple[int, bytes, bool]:
        reader = asyncio.StreamReader()
        reader.feed_data(raw)
        reader.feed_eof()
        return await read_response(reader)

    return asyncio.run(parse())


def test_read_response_handles_length_chunked_and_close() -> None:
    assert _parse(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello") == (200, b"hello", True)
    chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n"
    assert _parse(chunked) == (200, b"hello", True)
    assert _parse(b"HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n") == (404, b"", False)
    assert _parse(b"HTTP/1.0 200 OK\r\n\r\nuntil eof") == (200, b"until eof", False)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like gunicorn

    def do_GET(self) -> None:
        status, body = (200, b"hello") if self.path == "/ok" else (404, b"no")
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def tiny_server() -> Iterator[tuple[str, int]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_load_generator_counts_only_200_responses(tiny_server: tuple[str, int]) -> None:
    host, port = tiny_server
    stats = measure(
        host, port, {"ok": "/ok", "missing": "/missing"}, seconds=0.2, concurrency=2, warmup=0.05, round_seconds=0.1
    )
    ok, missing = stats["ok"], stats["missing"]
    assert ok.ok > 0
    assert ok.rate > 0
    assert ok.error_count == 0
    assert len(ok.round_rates) == 2  # two interleaved rounds each
    assert missing.ok == 0
    assert missing.rate == 0
    assert missing.errors["HTTP 404"] > 0


def test_load_generator_reports_refused_connections() -> None:
    stats = measure("127.0.0.1", free_port(), {"down": "/"}, seconds=0.1, concurrency=1, warmup=0.0)
    assert stats["down"].ok == 0
    assert stats["down"].errors["connect: ConnectionRefusedError"] > 0


def test_benchmark_urlconf_adds_hello_and_keeps_the_site() -> None:
    assert resolve("/bench/hello", urlconf="benchmarks.urls").func is hello
    assert resolve("/", urlconf="benchmarks.urls").view_name == "core:home"
    response = hello(RequestFactory().get("/bench/hello"))
    assert (response.status_code, response.content) == (200, b"hello")


def test_runner_discovers_benchmarks_and_keeps_stdout_for_results(capsys: pytest.CaptureFixture[str]) -> None:
    assert "bench_home_vs_hello" in runner.discover()

    def run() -> list[dict[str, object]]:
        print("chatter")
        return [result(name="x", value=1.0, unit="s", peer="p", peer_value=2.0, goal=1.0, higher_is_better=False)]

    lines = runner.run_one(SimpleNamespace(run=run))  # type: ignore[arg-type]
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "chatter" in captured.err
    assert json.loads(lines[0])["ratio"] == 2.0
