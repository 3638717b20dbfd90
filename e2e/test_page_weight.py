"""Page weight: what a citizen's phone downloads. The first visit to a citizen page (home, catalogue, a service
page, sign-in), with an empty cache, must stay within 150 KB transferred, fonts included; the next page, with the
static files in the browser's cache, within 30 KB.

How it is measured: Chromium's own network accounting (DevTools protocol: the bytes each request took on the
wire, headers included, and whether it came from the cache). The test server (pytest-django's live server) serves
static files uncompressed from the finders and Django sends pages uncompressed, whereas in production whitenoise
serves the brotli/gzip files collectstatic made and the reverse proxy compresses pages (docs/deploy.md). So for
every response that crossed the wire uncompressed, the test counts its headers plus the size of its body
compressed the way production would send it: brotli (whitenoise's precompressed files, quality 11) for the
static files whitenoise compresses, gzip level 6 for pages; fonts (woff2) and images are sent as they are. Each
request is printed with both figures (`-s`).

On the next page the static files come from the browser's cache. The test server sends them with Last-Modified and
no Cache-Control, so Chromium keeps them by its heuristic freshness; in production the pages name the hashed files
of the manifest storage, which whitenoise sends as immutable for a year, so nothing is asked again either. A
revalidation (304) would be counted with its headers."""

import base64
import gzip
import re
from dataclasses import dataclass, field
from typing import Any

import brotli
import pytest
from whitenoise.compress import Compressor

from elaos.demo.data import load_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FIRST_LOAD_BUDGET = 150 * 1024
NEXT_PAGE_BUDGET = 30 * 1024
SERVICE = "certificate-of-residence"
CITIZEN_PAGES = {
    "home": "/",
    "catalogue": "/services/",
    "service page": f"/services/{SERVICE}/",
    "sign-in": "/accounts/sign-in/",
}
PHONE = {"width": 360, "height": 740}
# whitenoise leaves already compressed formats alone (fonts, images, archives).
NOT_COMPRESSED = re.compile(r"\.(" + "|".join(Compressor.SKIP_COMPRESS_EXTENSIONS) + r")$")


@dataclass
class Transfer:
    url: str
    status: int = 0
    wire: int = 0  # bytes Chromium received (headers + body as sent by the test server)
    headers: int = 0
    cached: bool = False
    encoded: bool = False  # the server already compressed it
    body: bytes = b""

    @property
    def production(self) -> int:
        """Bytes on the wire with production's compression (see the module docstring)."""
        if self.cached:
            return 0
        if self.encoded or self.status == 304 or not self.body:
            return self.wire
        path = self.url.split("?", 1)[0]
        if "/static/" in path:
            if NOT_COMPRESSED.search(path):
                return self.wire
            compressed = len(brotli.compress(self.body, quality=11))
        else:
            compressed = len(gzip.compress(self.body, compresslevel=6))
        # whitenoise and proxies send the compressed copy only when it is smaller.
        return self.headers + min(compressed, len(self.body))


@dataclass
class Recorder:
    """Chromium's network accounting for one page, through the DevTools protocol."""

    cdp: Any
    transfers: dict[str, Transfer] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.cdp.send("Network.enable")
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.requestServedFromCache", self._from_cache)
        self.cdp.on("Network.loadingFinished", self._finished)

    def _transfer(self, request_id: str, url: str = "") -> Transfer:
        return self.transfers.setdefault(request_id, Transfer(url=url))

    def _response(self, event: dict) -> None:
        response = event["response"]
        t = self._transfer(event["requestId"], response["url"])
        t.url, t.status = response["url"], response["status"]
        t.cached = t.cached or response.get("fromDiskCache", False) or response.get("fromMemoryCache", False)
        headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
        t.encoded = headers.get("content-encoding", "identity") != "identity"
        t.headers = len(response.get("headersText", "")) or sum(len(k) + len(v) + 4 for k, v in headers.items()) + 20

    def _from_cache(self, event: dict) -> None:
        self._transfer(event["requestId"]).cached = True

    def _finished(self, event: dict) -> None:
        self._transfer(event["requestId"]).wire = int(event.get("encodedDataLength", 0))

    def collect_bodies(self) -> None:
        """The bodies of what came over the network (asked after the page loaded: a blocking call inside an event
        handler would stall Playwright's dispatch)."""
        for request_id, t in self.transfers.items():
            if t.cached or t.body or not t.url.startswith("http") or t.status in (204, 301, 302, 303, 304):
                continue
            try:
                body = self.cdp.send("Network.getResponseBody", {"requestId": request_id})
            except Exception:  # an aborted request has no body
                continue
            t.body = base64.b64decode(body["body"]) if body.get("base64Encoded") else body["body"].encode()

    def reset(self) -> None:
        self.transfers = {}

    def total(self) -> int:
        return sum(t.production for t in self.transfers.values())

    def report(self, label: str) -> str:
        lines = [f"{label}: {self.total() / 1024:.1f} KB transferred (production compression)"]
        for t in sorted(self.transfers.values(), key=lambda t: -t.production):
            how = "cache" if t.cached else ("304" if t.status == 304 else f"{t.wire} B as served")
            lines.append(f"  {t.production:>7} B  {t.url.split('/', 3)[-1][:70]}  ({how})")
        return "\n".join(lines)


@pytest.fixture
def demo() -> None:
    load_demo()


def _visit(page: Any, path: str) -> None:
    response = page.goto(path, wait_until="networkidle")
    assert response is not None, path
    assert response.ok, f"{path}: {response.status}"
    # Web fonts load when text needs them, after the page: wait for them too.
    page.evaluate("() => document.fonts.ready.then(() => true)")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("label", list(CITIZEN_PAGES))
def test_first_visit_and_next_page_stay_light(browsing, demo, label: str) -> None:  # type: ignore[no-untyped-def]
    page = browsing.page(viewport=PHONE)
    recorder = Recorder(page.context.new_cdp_session(page))

    _visit(page, CITIZEN_PAGES[label])
    recorder.collect_bodies()
    first = recorder.total()
    print("\n" + recorder.report(f"first visit to {label}"))
    assert any("fonts/" in t.url for t in recorder.transfers.values()), "the Lao font was not loaded"

    # The next page a citizen opens from here: the catalogue (or the home page from the catalogue).
    recorder.reset()
    _visit(page, "/services/" if label != "catalogue" else "/")
    recorder.collect_bodies()
    following = recorder.total()
    print(recorder.report(f"next page after {label}"))

    assert first <= FIRST_LOAD_BUDGET, recorder.report(f"first visit to {label} over {FIRST_LOAD_BUDGET} B")
    assert following <= NEXT_PAGE_BUDGET, f"next page after {label}: {following} B > {NEXT_PAGE_BUDGET} B"
