"""The OpenID Provider in the browser: a citizen signs in with an SMS code, an agency system sends them to e-Laos,
the consent screen is in Lao and passes axe-core, and agreeing sends the browser back with an authorization code.
The agency's own site is not served: the browser's request to it is answered by Playwright."""

import base64
import hashlib
import re
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import Page, expect

from conftest import StaffFactory, UserFactory
from elaos.agencies.models import Organisation
from elaos.oidc import services

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CITIZEN_PHONE, CITIZEN_TYPED = "+8562055550177", "020 5555 0177"
REDIRECT_URI = "https://agency.example/callback"
AXE_CONTEXT = {"bypass_csp": True}


def url(path: str) -> re.Pattern[str]:
    return re.compile(re.escape(path) + r"(\?.*)?(#.*)?$")


@pytest.fixture
def agency_client():  # type: ignore[no-untyped-def]
    admin = StaffFactory(email="identity-e2e@gov.la", is_superuser=True)
    ministry = Organisation.objects.create(
        code="mof-e2e", kind=Organisation.Kind.MINISTRY, name_lo="ກະຊວງການເງິນ", name_en="Ministry of Finance"
    )
    client, _secret = services.agency_client_register(
        actor=admin,
        organisation=ministry,
        name_lo="ລະບົບອາກອນອອນລາຍ",
        name_en="Online tax system",
        redirect_uris=[REDIRECT_URI],
        post_logout_redirect_uris=[],
        allowed_scopes=["openid", "profile", "phone", "national_id"],
    )
    return client


def sign_in_citizen(page: Page, lo, sms_code) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/sign-in/")
    page.get_by_label(lo("Mobile number")).fill(CITIZEN_TYPED)
    page.get_by_role("main").get_by_role("button", name=lo("Send me a code")).click()
    expect(page).to_have_url(url("/accounts/code/"))
    page.get_by_label(lo("Code from the SMS")).fill(sms_code(CITIZEN_PHONE))
    page.get_by_role("main").get_by_role("button", name=lo("Continue")).click()
    expect(page).to_have_url(url("/accounts/profile/"))


def test_lao_consent_screen_for_a_signed_in_citizen(browsing, agency_client, axe, lo, sms_code) -> None:  # type: ignore[no-untyped-def]
    UserFactory(phone=CITIZEN_PHONE, national_id="1234567890")
    page = browsing.page(**AXE_CONTEXT)
    sign_in_citizen(page, lo, sms_code)

    verifier = secrets.token_urlsafe(64)
    params = {
        "response_type": "code",
        "client_id": agency_client.application.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid profile national_id",
        "state": "e2e-state",
        "nonce": "e2e-nonce",
        "code_challenge": base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode(),
        "code_challenge_method": "S256",
    }
    page.goto(f"/o/authorize/?{urlencode(params)}")
    expect(page.locator("html")).to_have_attribute("lang", "lo")
    expect(page.get_by_role("heading", level=1)).to_contain_text("ລະບົບອາກອນອອນລາຍ")
    expect(page.get_by_role("main")).to_contain_text("ກະຊວງການເງິນ")
    expect(page.get_by_role("main")).to_contain_text("1234567890")
    axe(page, "consent screen (lo)")
    page.set_viewport_size({"width": 360, "height": 740})
    axe(page, "consent screen (lo, phone)")

    # Browsers apply the page's CSP form-action to the redirect after the post: the agency's origin is allowed.
    consent = page.request.get(f"/o/authorize/?{urlencode(params)}")
    assert "https://agency.example" in consent.headers["content-security-policy"]
    page.route("https://agency.example/**", lambda route: route.fulfill(status=200, body="ok"))
    with page.expect_response(lambda r: "/o/authorize/" in r.url and r.request.method == "POST") as answer:
        page.get_by_role("button", name=lo("Agree and continue")).click()
    assert answer.value.status == 302
    location = answer.value.headers["location"]
    assert location.startswith(REDIRECT_URI)
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == ["e2e-state"]
    assert query["code"][0]
    axe.assert_clean()
