"""The benchmark harness, without a web server: the result line, which way `ratio` points, the HTTP response reader,
and the load generator against a tiny in-process server."""

import asyncio
import io
import json
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pytest
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory
from django.urls import resolve

from benchmarks import __main__ as runner
from benchmarks import fixtures, harness
from benchmarks.harness import (
    REQUIRED_KEYS,
    Site,
    build_request,
    error_result,
    format_line,
    free_port,
    http_request,
    measure,
    multipart_body,
    percentile,
    read_full_response,
    read_response,
    result,
)
from benchmarks.urls import hello
from elaos.services.definition import DEFINITIONS_DIR, load_file
from elaos.services.forms import ApplicationForm
from elaos.services.uploads import sniff


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
    protocol_version = "HTTP/1.1"  # keep-alive, like the web server

    def _answer(self, status: int, body: bytes, *headers: tuple[str, str]) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path == "/ok":
            self._answer(200, b"hello")
        elif self.path == "/signed-in":  # 200 only with the session cookie
            self._answer(200 if self.headers.get("Cookie") == "sessionid=abc" else 403, b"")
        else:
            self._answer(404, b"no")

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self._answer(302, body, ("Location", "/done/"), ("Set-Cookie", "csrftoken=t0k3n; Path=/; SameSite=Lax"))

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


def test_load_generator_sends_each_targets_headers(tiny_server: tuple[str, int]) -> None:
    host, port = tiny_server
    stats = measure(
        host,
        port,
        {"cookie": "/signed-in", "bare": "/signed-in"},
        seconds=0.1,
        concurrency=1,
        warmup=0.0,
        headers={"cookie": {"Cookie": "sessionid=abc"}},
    )
    assert stats["cookie"].ok > 0
    assert stats["cookie"].error_count == 0
    assert stats["bare"].ok == 0
    assert stats["bare"].errors["HTTP 403"] > 0


def test_http_request_posts_a_body_and_returns_headers_and_cookies(tiny_server: tuple[str, int]) -> None:
    host, port = tiny_server
    response = asyncio.run(http_request(host, port, "/form/", {"X-Test": "1"}, method="POST", body=b"a=1&b=2"))
    assert (response.status, response.body) == (302, b"a=1&b=2")
    assert response.header("location") == "/done/"
    assert response.header("Location") == "/done/"
    assert response.cookies() == {"csrftoken": "t0k3n"}


def test_build_request_adds_headers_and_a_length_for_bodies() -> None:
    get = build_request("h", 1, "/p", {"Cookie": "a=b"})
    assert get.startswith(b"GET /p HTTP/1.1\r\nHost: h:1\r\n")
    assert b"\r\nCookie: a=b\r\n" in get
    assert b"Content-Length" not in get
    assert get.endswith(b"\r\n\r\n")
    post = build_request("h", 1, "/p", method="POST", body=b"xyz")
    assert post.startswith(b"POST /p HTTP/1.1\r\n")
    assert post.endswith(b"Content-Length: 3\r\n\r\nxyz")
    with pytest.raises(ValueError, match="line break"):
        build_request("h", 1, "/p", {"Cookie": "a=b\r\nX-Injected: 1"})


def test_full_response_keeps_headers_and_reads_cookies() -> None:
    async def parse() -> harness.Response:
        reader = asyncio.StreamReader()
        reader.feed_data(
            b"HTTP/1.1 302 Found\r\nLocation: /s/\r\nSet-Cookie: csrftoken=abc; Path=/\r\n"
            b'Set-Cookie: messages=""; expires=Thu, 01 Jan 1970 00:00:00 GMT\r\nSet-Cookie: sessionid=s1; HttpOnly\r\n'
            b"Content-Length: 0\r\n\r\n"
        )
        reader.feed_eof()
        return await read_full_response(reader)

    response = asyncio.run(parse())
    assert response.status == 302
    assert response.header("location") == "/s/"
    assert response.cookies() == {"csrftoken": "abc", "sessionid": "s1"}  # the deleted one is left out
    assert harness.cookie_header(response.cookies()) == "csrftoken=abc; sessionid=s1"


def test_multipart_body_is_read_back_by_django() -> None:
    content_type, body = multipart_body(
        {"full_name": "ສົມໃຈ", "action": "submit"},
        [("document-id_card", "id.pdf", "application/pdf", fixtures.TINY_PDF)],
    )
    meta = {"CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(len(body))}
    post, files = MultiPartParser(meta, io.BytesIO(body), RequestFactory().get("/").upload_handlers).parse()
    assert post.dict() == {"full_name": "ສົມໃຈ", "action": "submit"}
    upload = files["document-id_card"]
    assert (upload.name, upload.read()) == ("id.pdf", fixtures.TINY_PDF)


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]  # 1..100
    assert percentile(values, 0.95) == 95.0
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 1.0) == 100.0
    assert percentile(values, 0.0) == 1.0
    assert percentile([3.0, 1.0, 2.0], 0.95) == 3.0
    assert math.isnan(percentile([], 0.95))


def test_an_error_line_has_every_key_and_fails_the_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    row = error_result(name="q", unit="ms", peer="p", goal=500, error="no queue", goal_of="value")
    parsed = json.loads(format_line(row))
    assert (parsed["value"], parsed["ratio"], parsed["error"]) == (None, None, "no queue")

    monkeypatch.setattr(runner.signal, "signal", lambda *args: None)  # leave pytest's SIGTERM handling alone
    monkeypatch.setattr(runner, "discover", lambda: ["bench_q"])
    monkeypatch.setattr(runner.importlib, "import_module", lambda name: SimpleNamespace(run=lambda: [row]))
    assert runner.main([]) == 1
    assert json.loads(capsys.readouterr().out)["error"] == "no queue"


def test_shared_sites_prepare_one_site_for_all_benchmarks(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[Site] = []
    removed: list[Site] = []

    @contextmanager
    def new_site() -> Iterator[Site]:
        site = Site(env={}, tmp=Path("/nonexistent"), database="sqlite")
        made.append(site)
        yield site
        removed.append(site)

    monkeypatch.setattr(harness, "_new_site", new_site)
    with harness.shared_sites():
        with harness.prepared_site() as first:
            first.cache["demo_loaded"] = True
        with harness.prepared_site() as second:
            assert second is first
            assert second.cache["demo_loaded"]
        assert removed == []
    assert removed == [first]
    with harness.prepared_site() as alone:  # outside the scope: a site of its own, removed at once
        assert alone is not first
    assert len(made) == 2
    assert removed == [first, alone]


def test_made_up_answers_fill_every_service_form_validly() -> None:
    filled = []
    for path in sorted(DEFINITIONS_DIR.glob("*.yaml")):
        definition = load_file(path)
        schema = definition["form"]["schema"]
        patterned = [n for n in schema.get("required", []) if "pattern" in schema["properties"][n]]
        if patterned:  # a required field with a pattern: nothing generic fits
            with pytest.raises(ValueError, match="must match"):
                fixtures.form_values(definition)
            continue
        form = ApplicationForm(fixtures.form_values(definition), definition=definition)
        assert form.is_valid(), (path.name, form.errors)
        jsonschema.validate(form.draft_data(), schema, format_checker=jsonschema.FormatChecker())
        assert set(schema.get("required", [])) <= set(form.draft_data())
        filled.append(definition["code"])
    assert fixtures.SERVICE in filled  # the service the benchmark submits


def test_the_warm_up_uses_a_free_service_of_another_office() -> None:
    definitions = [load_file(path) for path in sorted(DEFINITIONS_DIR.glob("*.yaml"))]
    office = "moha-vte-chanthabouly"  # where certificates of residence go
    code = fixtures.warmup_service(definitions, office)
    assert code is not None
    chosen = next(d for d in definitions if d["code"] == code)
    assert code != fixtures.SERVICE
    assert chosen["fees"] == []
    assert office not in chosen["offices"]
    assert (
        fixtures.warmup_service([d for d in definitions if d["code"] in (code, fixtures.SERVICE)], chosen["offices"][0])
        is None
    )


def test_the_benchmarked_service_gets_its_required_documents_as_tiny_files() -> None:
    definition = load_file(DEFINITIONS_DIR / f"{fixtures.SERVICE}.yaml")
    files = fixtures.required_files(definition)
    required = [d["code"] for d in definition["documents"] if d.get("required")]
    assert [name for name, *_ in files] == [f"document-{code}" for code in required]
    assert all(sniff(content) == "pdf" for *_, content in files)
    assert definition["fees"] == []  # free: nothing to pay between submit and the queue
    assert fixtures.required_files({"documents": [{"code": "photo", "required": True, "types": ["png"]}]})[0][1:3] == (
        "photo.png",
        "image/png",
    )


def test_query_shapes_spot_repeated_queries() -> None:
    statements = [
        'SELECT "a"."id" FROM "a" WHERE "a"."id" = 1 LIMIT 21',
        'SELECT "a"."id" FROM "a" WHERE "a"."id" = 2 LIMIT 21',
        'SELECT "b"."x" FROM "b" WHERE "b"."name" = \'it\'\'s\'',
        'SELECT "a"."id" FROM "a" WHERE "a"."id" = %s LIMIT 21',
    ]
    assert fixtures.query_shape(statements[0]) == fixtures.query_shape(statements[1])
    assert fixtures.repeated_queries(statements) == [(3, 'SELECT "a"."id" FROM "a" WHERE "a"."id" = ? LIMIT ?')]
