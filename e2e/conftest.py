"""Browser tests: the real app served by pytest-django's live server, driven by Debian's Chromium.

Run with `make e2e` (see e2e/README.md). Nothing here downloads a browser: Chromium comes from apt.
"""

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio loop in the main thread; Django's ORM would otherwise refuse the
# test's own queries (creating users, reading the outbox) as "async-unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# An IPv4 address, so that Chromium never tries ::1 for "localhost" first.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

from django.utils import translation
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from elaos.notifications.models import Message

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# A browser set up in Lao, as most citizens' phones are; the app then answers in Lao until asked otherwise.
BROWSER_LOCALE = "lo-LA"
TIMEOUT_MS = 10_000


def _lo(text: str) -> str:
    """The Lao catalogue's rendering of an English message id (the English itself while untranslated)."""
    with translation.override("lo"):
        return translation.gettext(text)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    from django.conf import settings

    # The live server serves static files from the finders; the manifest storage of elaos.settings would point
    # pages at hashed names it cannot serve, and every page would be audited without its CSS. A
    # DJANGO_SETTINGS_MODULE in the environment beats pyproject's, hence `--ds` in `make e2e`.
    if "Manifest" in settings.STORAGES["staticfiles"]["BACKEND"]:
        pytest.fail(f"run the e2e tests with --ds=elaos.settings_test, not {settings.SETTINGS_MODULE}")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (never `playwright install`)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _e2e_settings(settings) -> None:  # type: ignore[no-untyped-def]
    """Deliver queued messages at once, so a sign-in code is in the outbox when the code page shows."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "notifications"],
        }
    }
    settings.NOTIFY_SMS_BACKEND = "outbox"
    settings.NOTIFY_EMAIL_BACKEND = "outbox"


class Browsing:
    """Opens browser contexts on the live server and closes them when the test ends."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser, self.base_url = browser, base_url
        self.contexts: list[BrowserContext] = []

    def page(self, **options: object) -> Page:
        options.setdefault("locale", BROWSER_LOCALE)
        context = self.browser.new_context(base_url=self.base_url, **options)  # type: ignore[arg-type]
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        return context.new_page()

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browsing(browser: Browser, live_server) -> Iterator[Browsing]:  # type: ignore[no-untyped-def]
    b = Browsing(browser, live_server.url)
    yield b
    b.close()


@pytest.fixture
def page(browsing: Browsing) -> Page:
    return browsing.page()


def _newest_sms_code(phone: str) -> str:
    """The 6-digit code in the newest SMS to `phone` in the local outbox (what /backoffice/outbox/ shows)."""
    message = Message.objects.filter(channel=Message.Channel.SMS, to=phone).order_by("-created_at", "-id").first()
    assert message is not None, f"no SMS to {phone} in the outbox"
    assert message.status == Message.Status.SENT, f"SMS not delivered to the outbox: {message.status}"
    match = re.search(r"(?<!\d)\d{6}(?!\d)", message.body)
    assert match, f"no 6-digit code in {message.body!r}"
    return match.group()


def _axe_violations(page: Page) -> list[dict]:
    """Run axe-core on the page as it is now; the page's context must allow the injected script."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return {passes: r.passes.length,
                    violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary}))}))};
        }""",
        AXE_TAGS,
    )
    # A sanity check that axe really looked at the page (a blank or blocked page passes no rule).
    assert result["passes"] > 0, f"axe-core checked nothing on {page.url}"
    return result["violations"]


def _format_violations(found: dict[str, list[dict]]) -> str:
    lines = []
    for where, violations in found.items():
        for v in violations:
            lines.append(f"{where}: {v['id']} ({v['impact']}): {v['help']}")
            for node in v["nodes"]:
                lines.append(f"    {json.dumps(node['target'], ensure_ascii=False)}")
                if node.get("summary"):
                    lines.extend(f"      {line}" for line in node["summary"].splitlines())
    return "\n".join(lines)


class AxeAudit:
    """Collects axe-core violations page by page; `assert_clean()` fails listing every one of them."""

    def __init__(self) -> None:
        self.found: dict[str, list[dict]] = {}
        self.audited: list[str] = []

    def __call__(self, page: Page, label: str) -> None:
        page.wait_for_load_state("load")
        self.audited.append(label)
        if violations := _axe_violations(page):
            self.found[f"{label} <{page.url}>"] = violations

    def assert_clean(self) -> None:
        assert not self.found, "axe-core violations:\n" + _format_violations(self.found)


@pytest.fixture
def axe() -> AxeAudit:
    return AxeAudit()


@pytest.fixture
def sms_code():  # type: ignore[no-untyped-def]
    return _newest_sms_code


@pytest.fixture
def lo():  # type: ignore[no-untyped-def]
    return _lo


def pytest_report_header(config) -> list[str]:  # type: ignore[no-untyped-def]
    from django.conf import settings

    db = settings.DATABASES["default"]
    return [f"e2e: {CHROMIUM}, database {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME')}, axe tags {AXE_TAGS}"]
