"""Security headers and cookies on every page without an identifier and on every API read, generated from the URL
conf and the API schema: a CSP without 'unsafe-inline' or 'unsafe-eval' for scripts and styles and with
frame-ancestors 'none', nosniff, a referrer policy, X-Frame-Options; HSTS and Secure cookies when HTTPS=1;
HttpOnly and SameSite cookies always. Pages are also checked for inline scripts and styles the CSP would block."""

import importlib.util
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings

from conftest import UserFactory
from elaos.core.tests.security.routes import api_routes, html_routes

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def csp(response: Any) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    directives = {}
    for part in filter(None, (p.strip() for p in header.split(";"))):
        name, *values = part.split()
        directives[name] = values
    return directives


def header_problems(response: Any) -> list[str]:
    problems = []
    policy = csp(response)
    if not policy:
        return ["no Content-Security-Policy"]
    for directive in ("script-src", "style-src"):
        sources = policy.get(directive, policy.get("default-src"))
        if sources is None:
            problems.append(f"no {directive} nor default-src")
        elif {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"} & set(sources):
            problems.append(f"{directive} allows {sources}")
    if policy.get("frame-ancestors") != ["'none'"]:
        problems.append(f"frame-ancestors is {policy.get('frame-ancestors')}")
    if policy.get("object-src") != ["'none'"]:
        problems.append(f"object-src is {policy.get('object-src')}")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if response.get("Referrer-Policy") not in {"same-origin", "strict-origin-when-cross-origin", "no-referrer"}:
        problems.append(f"Referrer-Policy is {response.get('Referrer-Policy')}")
    if response.get("X-Frame-Options") != "DENY":
        problems.append(f"X-Frame-Options is {response.get('X-Frame-Options')}")
    return problems


_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>")
_STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\sstyle=")
_INLINE_STYLE = re.compile(r"<style(?![^>]*\bnonce=)[^>]*>")
_EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+=", re.IGNORECASE)


def inline_problems(html: str) -> list[str]:
    checks = [
        ("inline <script>", _INLINE_SCRIPT),
        ("style= attribute", _STYLE_ATTRIBUTE),
        ("inline <style>", _INLINE_STYLE),
        ("on…= handler", _EVENT_HANDLER),
    ]
    return [f"{name}: {m.group()[:80]}" for name, pattern in checks if (m := pattern.search(html))]


def plain_pages() -> list[str]:
    return [r.url() for r in html_routes() if not r.params]


def api_reads() -> list[str]:
    return [r.url() for r in api_routes() if r.method == "GET" and not r.params]


@pytest.fixture
def alice_client(db: None) -> Client:
    client = Client()
    client.force_login(UserFactory(given_name_latin="Alice"))
    return client


@pytest.mark.parametrize("url", [*plain_pages(), *api_reads(), "/no-such-page/", "/api/v1/no-such-thing"])
def test_security_headers(db: None, client: Client, alice_client: Client, url: str) -> None:
    for who, c in (("anonymous", client), ("alice", alice_client)):
        response = c.get(url, **ENGLISH)
        assert response.status_code < 500, f"{who} {url}: {response.status_code}"
        problems = header_problems(response)
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            problems += inline_problems(response.content.decode())
        assert not problems, f"{who} {url} ({response.status_code}): {problems}"


def _https_settings(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What elaos/settings.py sets when HTTPS=1, read by executing it again with that environment."""
    monkeypatch.setenv("HTTPS", "1")
    spec = importlib.util.spec_from_file_location("elaos_settings_https", settings.BASE_DIR / "settings.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    names = [
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "LANGUAGE_COOKIE_SECURE",
    ]
    return {name: getattr(module, name) for name in names}


@pytest.fixture
def https(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with override_settings(**_https_settings(monkeypatch)):
        yield


def _cookie(response: Any, name: str) -> Any:
    assert name in response.cookies, f"{name} not set; cookies: {list(response.cookies)}"
    return response.cookies[name]


def test_https_sends_hsts_and_redirects_plain_http(db: None, client: Client, https: None) -> None:
    response = client.get("/accounts/sign-in/", secure=True)
    assert response.status_code == 200
    hsts = response["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 180 * 24 * 3600  # type: ignore[union-attr]
    assert "includeSubDomains" in hsts
    assert client.get("/accounts/sign-in/").status_code == 301
    # Behind the reverse proxy, its X-Forwarded-Proto says the request came over TLS.
    assert client.get("/accounts/sign-in/", HTTP_X_FORWARDED_PROTO="https").status_code == 200


def test_https_api_responses_carry_hsts_too(db: None, client: Client, https: None) -> None:
    response = client.get("/api/v1/services", secure=True)
    assert response.status_code == 200
    assert "Strict-Transport-Security" in response
    assert not header_problems(response)


@pytest.mark.parametrize("secure", [False, True], ids=["http", "https"])
def test_cookies_are_httponly_samesite_and_secure_under_https(
    db: None, client: Client, monkeypatch: pytest.MonkeyPatch, secure: bool
) -> None:
    overrides = _https_settings(monkeypatch) if secure else {}
    with override_settings(**overrides):
        sign_in = client.get("/accounts/sign-in/", secure=secure)
        csrf = _cookie(sign_in, settings.CSRF_COOKIE_NAME)
        # A phone number typed in starts a session (the code is sent to it).
        token = csrf.value
        started = client.post(
            "/accounts/sign-in/", {"phone": "020 5555 0101", "csrfmiddlewaretoken": token}, secure=secure
        )
        session = _cookie(started, settings.SESSION_COOKIE_NAME)
        language = _cookie(
            client.post("/i18n/setlang/", {"language": "en", "next": "/"}, secure=secure),
            settings.LANGUAGE_COOKIE_NAME,
        )
    for name, cookie in (("session", session), ("csrf", csrf), ("language", language)):
        assert cookie["samesite"] in ("Lax", "Strict"), name
        assert bool(cookie["secure"]) is secure, name
    assert session["httponly"]
    assert csrf["httponly"]


# Staff and members see other pages than visitors and citizens do: each of them walks every page without an
# identifier (the object pages are checked by the authorization matrix, for their allowed readers).
ROLE_PERSONAS = (
    "officer_a",
    "agency_admin",
    "case_worker_a",
    "supervisor_a",
    "migration_officer_a",
    "registrar",
    "identity_admin",
    "npa_member",
)


@pytest.mark.parametrize("persona", ROLE_PERSONAS)
def test_security_headers_on_the_pages_of_each_role(world: Any, persona: str) -> None:
    client = world.client(persona)
    problems = []
    seen = 0
    for url in plain_pages():
        if "sign-out" in url or "logout" in url:
            continue  # signing out here would turn the rest into a visitor's walk (test_security_headers has them)
        response = client.get(url, **ENGLISH)
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
            continue
        if response.status_code != 200:
            continue
        seen += 1
        found = header_problems(response)
        if "text/html" in response.get("Content-Type", ""):
            found += inline_problems(response.content.decode())
        problems += [f"{url}: {p}" for p in found]
    assert seen, persona
    assert not problems, f"{persona}:\n  " + "\n  ".join(problems)
