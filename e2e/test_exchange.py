"""Consent and "who accessed my data" in the browser: a citizen gives an agency consent to read their address,
confirms it with the code sent by SMS, sees it; the agency's system reads the address over real HTTP with its
client-credentials token; the citizen sees that read in the access log, downloads it, then revokes the consent
and the next read is refused. axe-core on every page on the way, and on the agency administrator's pages."""

import datetime
import re
import secrets

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken
from playwright.sync_api import Page, expect

from conftest import OrganisationFactory, UserFactory, confirmed_totp, staff_with_role, totp_now
from elaos.exchange.models import ConsentGrant
from elaos.exchange.services import agency_client_register

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# axe-core is injected as a script tag, which the app's CSP (script-src 'self') would otherwise block.
AXE_CONTEXT = {"bypass_csp": True}

CITIZEN_PHONE, CITIZEN_TYPED = "+8562055550177", "020 5555 0177"
PATH_END = r"(\?.*)?(#.*)?$"


def url(path: str) -> re.Pattern[str]:
    return re.compile(re.escape(path) + PATH_END)


@pytest.fixture
def page(browsing) -> Page:  # type: ignore[no-untyped-def]
    return browsing.page(**AXE_CONTEXT)


@pytest.fixture
def agency():  # type: ignore[no-untyped-def]
    lsso = OrganisationFactory(code="lsso", name_lo="ອົງການປະກັນສັງຄົມແຫ່ງຊາດ", name_en="Lao Social Security Organisation")
    admin = staff_with_role("office_admin", lsso, email="dana@gov.la", given_name_latin="Dana")
    confirmed_totp(admin)
    registered = agency_client_register(
        actor=admin, organisation=lsso, name="Pension claims", scopes=["person.address.read"], rate_limit_per_minute=60
    )
    token = secrets.token_urlsafe(30)
    AccessToken.objects.create(
        application=registered.client.application,
        token=token,
        scope="person.address.read",
        expires=timezone.now() + datetime.timedelta(hours=1),
    )
    return lsso, admin, registered.client, token


def sign_in_citizen(page: Page, lo, sms_code) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/sign-in/")
    page.get_by_label(lo("Mobile number")).fill(CITIZEN_TYPED)
    page.get_by_role("main").get_by_role("button", name=lo("Send me a code")).click()
    expect(page).to_have_url(url("/accounts/code/"))
    page.get_by_label(lo("Code from the SMS")).fill(sms_code(CITIZEN_PHONE))
    page.get_by_role("main").get_by_role("button", name=lo("Continue")).click()
    expect(page).to_have_url(url("/accounts/profile/"))


def agency_reads_address(page: Page, person: str, token: str) -> int:
    response = page.request.get(
        f"/api/v1/exchange/persons/{person}/address",
        headers={"Authorization": f"Bearer {token}", "X-Purpose": "service_delivery"},
    )
    return response.status


def test_citizen_gives_consent_sees_the_read_and_revokes(page: Page, agency, axe, lo, sms_code) -> None:  # type: ignore[no-untyped-def]
    _lsso, _admin, _client, token = agency
    UserFactory(phone=CITIZEN_PHONE, address_line="ບ້ານ ໂພນສະຫວ່າງ, ເຮືອນເລກ 12")
    sign_in_citizen(page, lo, sms_code)

    page.goto("/exchange/consents/")
    expect(page.get_by_role("heading", level=1)).to_have_text(lo("My consents"))
    axe(page, "my consents (empty)")
    page.get_by_label(lo("Agency")).select_option("lsso")
    page.get_by_label(str(lo("Your address"))).check()
    page.get_by_label(lo("Providing a public service you asked for")).check()
    page.get_by_label(lo("Valid until")).fill((timezone.localdate() + datetime.timedelta(days=30)).isoformat())
    page.get_by_role("main").get_by_role("button", name=lo("Send me a code")).click()

    grant = ConsentGrant.objects.get()
    expect(page).to_have_url(url(f"/exchange/consents/{grant.public_id}/"))
    axe(page, "consent awaiting the code")
    page.get_by_label(lo("Code")).fill(sms_code(CITIZEN_PHONE))
    page.get_by_role("main").get_by_role("button", name=lo("Confirm consent")).click()
    expect(page.get_by_role("main")).to_contain_text(
        lo("Your consent is active. Its signed receipt is ready to download.")
    )
    axe(page, "active consent")
    with page.expect_download() as download:
        page.get_by_role("link", name=lo("Download the signed receipt (JSON)")).click()
    assert download.value.suggested_filename == f"consent-receipt-{grant.public_id}.json"

    page.goto("/exchange/consents/")
    expect(page.get_by_role("table")).to_contain_text("ອົງການປະກັນສັງຄົມແຫ່ງຊາດ")
    axe(page, "my consents (one active)")

    person = str(grant.person.public_id)
    assert agency_reads_address(page, person, token) == 200

    page.goto("/exchange/access-log/")
    expect(page.get_by_role("heading", level=1)).to_have_text(lo("Who accessed my data"))
    expect(page.get_by_role("table")).to_contain_text("Pension claims")
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(2)
    axe(page, "access log")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    assert "Pension claims" in download.value.path().read_text(encoding="utf-8-sig")

    page.goto(f"/exchange/consents/{grant.public_id}/")
    page.get_by_role("button", name=lo("Revoke this consent")).click()
    expect(page.get_by_role("main")).to_contain_text(lo("The consent was revoked."))
    axe(page, "revoked consent")
    assert agency_reads_address(page, person, token) == 403

    page.goto("/exchange/receipts/verify/")
    grant.refresh_from_db()  # the receipt was signed when the code was confirmed
    page.get_by_label(lo("Consent receipt")).fill(grant.receipt)
    page.get_by_role("main").get_by_role("button", name=lo("Check")).click()
    expect(page.get_by_role("status")).to_contain_text(lo("The consent was revoked since."))
    axe(page, "receipt check")
    axe.assert_clean()


def test_agency_administrator_pages(page: Page, agency, axe, lo) -> None:  # type: ignore[no-untyped-def]
    from conftest import STAFF_PASSWORD

    _lsso, admin, client, _token = agency
    page.goto("/accounts/sign-in/email/")
    page.get_by_label(lo("E-mail")).fill(admin.email)
    page.get_by_label(lo("Password")).fill(STAFF_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=lo("Sign in")).click()
    page.goto("/exchange/systems/")
    expect(page).to_have_url(url("/accounts/second-factor/"))
    page.get_by_label(lo("Code from your authenticator app, or a recovery code")).fill(
        totp_now(admin.totpdevice_set.get())
    )
    page.get_by_role("main").get_by_role("button", name=lo("Continue")).click()

    expect(page).to_have_url(url("/exchange/systems/"))
    axe(page, "agency systems")
    page.get_by_role("link", name="Pension claims").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pension claims")
    axe(page, "agency system")
    page.get_by_label(lo("Address (URL)")).fill("https://pensions.example/hooks")
    page.get_by_label("npa.registered").check()
    page.get_by_role("button", name=lo("Add webhook")).click()
    expect(page.get_by_role("main")).to_contain_text("whsec_")
    axe(page, "webhook secret")
    page.goto(f"/exchange/systems/{client.public_id}/deliveries/")
    axe(page, "delivery log")
    page.goto("/exchange/systems/new/")
    axe(page, "register a system")
    axe.assert_clean()
