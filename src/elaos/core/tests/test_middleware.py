"""Request ids: a sane X-Request-ID is kept, anything else replaced; every log line of the request carries it."""

import json
import logging
import re
from collections.abc import Iterator

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from elaos.core.middleware import RequestIdFilter, RequestIdMiddleware, current_request_id

GENERATED = re.compile(r"^[0-9a-f]{32}$")


class Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.addFilter(RequestIdFilter())
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def request_log() -> Iterator[Collector]:
    """Warnings of django.request (a 404 logs one), collected through the request-id filter."""
    logger = logging.getLogger("django.request")
    collector, old_level = Collector(), logger.level
    logger.addHandler(collector)
    logger.setLevel(logging.WARNING)
    try:
        yield collector
    finally:
        logger.removeHandler(collector)
        logger.setLevel(old_level)


@pytest.mark.parametrize("incoming", ["abc-123_DEF.456", "a" * 8, "b" * 64, "0f8fad5b-d9cb-469f-a165-70867728950e"])
def test_a_sane_request_id_is_echoed(client: Client, incoming: str) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": incoming})

    assert response["X-Request-ID"] == incoming


@pytest.mark.parametrize(
    "incoming", ["has spaces in it", "a" * 65, "short", "semi;colon-id", "ລະຫັດຄຳຮ້ອງ123", "<script>alert(1)</script>"]
)
def test_an_unsafe_request_id_is_replaced(client: Client, incoming: str) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": incoming})

    assert response["X-Request-ID"] != incoming
    assert GENERATED.match(response["X-Request-ID"])


def test_each_request_without_an_id_gets_a_new_one(client: Client) -> None:
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]

    assert GENERATED.match(first)
    assert GENERATED.match(second)
    assert first != second


def test_log_lines_emitted_inside_the_request_carry_its_id() -> None:
    logger, collector = logging.getLogger("elaos.tests.request_id"), Collector()
    logger.addHandler(collector)

    def view(request: HttpRequest) -> HttpResponse:
        logger.warning("inside the view")
        return HttpResponse("ok")

    try:
        response = RequestIdMiddleware(view)(RequestFactory().get("/", headers={"X-Request-ID": "trace-0041-abc"}))
    finally:
        logger.removeHandler(collector)

    assert response["X-Request-ID"] == "trace-0041-abc"
    assert [r.request_id for r in collector.records] == ["trace-0041-abc"]  # type: ignore[attr-defined]


def test_djangos_error_response_line_carries_the_request_id(client: Client, db: None, request_log: Collector) -> None:
    response = client.get("/no-such-page/", headers={"X-Request-ID": "trace-0042-abc"})

    assert response.status_code == 404
    assert [r.request_id for r in request_log.records] == ["trace-0042-abc"]  # type: ignore[attr-defined]


def test_the_json_log_line_names_the_request_id(client: Client, db: None, request_log: Collector) -> None:
    client.get("/no-such-page/", headers={"X-Request-ID": "trace-0043-abc"})
    console = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RequestIdFilter) for f in h.filters) and h.formatter is not None
    )

    line = json.loads(console.formatter.format(request_log.records[0]))  # type: ignore[union-attr]

    assert line["request_id"] == "trace-0043-abc"
    assert line["logger"] == "django.request"
    assert line["level"] == "WARNING"


def test_outside_a_request_the_id_is_a_dash(client: Client) -> None:
    client.get("/healthz", headers={"X-Request-ID": "trace-0044-abc"})

    assert current_request_id() == "-"
