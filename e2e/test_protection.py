"""Protection case management in the browser: a case worker opens a case (refused first without the person's
consent), records consent to a referral and refers the case to a demo association; the association's administrator
(the demo citizen) accepts it. axe-core checks each page, on a desktop and a phone."""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from conftest import STAFF_PASSWORD, confirmed_totp, staff_with_role, totp_now
from elaos.accounts.models import User
from elaos.agencies.models import Organisation
from elaos.demo.data import load_demo
from elaos.notifications.models import Message
from elaos.protection.models import ProtectionCase, Referral

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OFFICE = "molsw-vte-chanthabouly"
NPA = "NPA-2018-0002"  # its administrator is the demo citizen below
CITIZEN_PHONE, CITIZEN_TYPED = "+8562055550101", "020 5555 0101"
AXE_CONTEXT = {"bypass_csp": True}
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}


def url(path: str) -> re.Pattern[str]:
    return re.compile(re.escape(path) + r"(\?.*)?(#.*)?$")


@pytest.fixture
def demo() -> None:
    load_demo()


def sign_in_staff(page: Page, lo, user: User) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/sign-in/email/")
    page.get_by_label(lo("E-mail")).fill(user.email)
    page.get_by_label(lo("Password")).fill(STAFF_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=lo("Sign in")).click()
    page.goto("/backoffice/protection/")
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/"))
    page.get_by_label(lo("Code from your authenticator app, or a recovery code")).fill(
        totp_now(user.totpdevice_set.get())
    )
    page.get_by_role("main").get_by_role("button", name=lo("Continue")).click()
    expect(page).to_have_url(url("/backoffice/protection/"))


def sign_in_citizen(page: Page, lo, sms_code) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/sign-in/")
    page.get_by_label(lo("Mobile number")).fill(CITIZEN_TYPED)
    page.get_by_role("main").get_by_role("button", name=lo("Send me a code")).click()
    expect(page).to_have_url(url("/accounts/code/"))
    page.get_by_label(lo("Code from the SMS")).fill(sms_code(CITIZEN_PHONE))
    page.get_by_role("main").get_by_role("button", name=lo("Continue")).click()
    expect(page).to_have_url(url("/accounts/profile/"))


def action_form(page: Page, action: str) -> Any:
    return page.locator(f"form:has(input[name='action'][value='{action}'])")


def test_case_opened_with_consent_is_referred_to_an_npa_that_accepts(  # type: ignore[no-untyped-def]
    browsing, demo, axe, lo, sms_code
) -> None:
    def audit(on: Page, label: str) -> None:
        for name, size in VIEWPORTS.items():
            on.set_viewport_size(size)
            axe(on, f"{label} ({name})")
        on.set_viewport_size(VIEWPORTS["desktop"])

    worker = staff_with_role("case_worker", Organisation.objects.get(code=OFFICE), given_name_latin="Vilay")
    confirmed_totp(worker)

    # The case worker opens a case: refused without consent, then opened with it.
    page = browsing.page(**AXE_CONTEXT)
    sign_in_staff(page, lo, worker)
    audit(page, "case list")
    page.get_by_role("link", name=lo("Open a case")).click()
    expect(page).to_have_url(url("/backoffice/protection/cases/new/"))
    audit(page, "intake form")
    page.get_by_label(lo("Given name")).fill("ນາງ ດາວ")
    page.get_by_label(lo("Family name")).fill("ສີສຸພັນ")
    page.locator("#id_trafficking_status").select_option("actual")
    page.locator("#id_migrant_type").select_option("returnee")
    page.locator("#id_gender").select_option("female")
    page.locator("#id_age_band").select_option("18-20")
    page.locator("#id_country_of_exploitation").select_option("TH")
    page.locator("input[name='types_of_exploitation'][value='forced_labour']").check()
    page.locator("input[name='methods_of_control'][value='debt_bondage']").check()
    page.locator("#id_identified_on").fill("2026-01-15")
    page.get_by_role("main").get_by_role("button", name=lo("Open the case")).click()
    expect(page.locator(".field-error")).to_contain_text(
        lo(
            "A case cannot be opened without the person's informed consent. Explain what will be recorded, "
            "who will see it and why, and open the case only if they agree."
        )
    )
    expect(page.get_by_label(lo("Family name"))).to_have_value("ສີສຸພັນ")
    audit(page, "intake form with an error")
    page.locator("#id_consent_given").check()
    page.get_by_role("main").get_by_role("button", name=lo("Open the case")).click()
    case = ProtectionCase.objects.get(case_worker=worker)
    expect(page).to_have_url(url(f"/backoffice/protection/cases/{case.public_id}/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
    audit(page, "case page")

    # Consent to a referral to the association, then the referral.
    consent = action_form(page, "consent")
    consent.locator("select[name='consent-purpose']").select_option("referral")
    consent.locator("select[name='consent-recipient_npa']").select_option(NPA)
    consent.get_by_role("button", name=lo("Record consent")).click()
    expect(page.locator(".messages")).to_be_visible()
    admin = User.objects.get(phone=CITIZEN_PHONE)

    def notices_to_admin():  # type: ignore[no-untyped-def]
        return Message.objects.filter(to=admin.email, subject=lo("A protection referral waits for your answer"))

    notices_before = notices_to_admin().count()
    referral_form = action_form(page, "referral")
    referral_form.locator("select[name='referral-service']").select_option("livelihood")
    referral_form.locator("select[name='referral-to_npa']").select_option(NPA)
    referral_form.locator("textarea[name='referral-details']").fill("ຕ້ອງການຝຶກວິຊາຊີບຕັດຫຍິບ")
    referral_form.get_by_role("button", name=lo("Send the referral")).click()
    expect(page.locator(".messages")).to_be_visible()
    referral = Referral.objects.get(case=case)
    assert referral.status == Referral.Status.PENDING
    # The association's administrator is told, in Lao, without the person's name.
    notices = notices_to_admin()
    assert notices.count() == notices_before + 1
    assert "ສີສຸພັນ" not in notices.latest("id").body
    audit(page, "case page with a referral")

    # The association's administrator accepts it.
    npa_page = browsing.page(**AXE_CONTEXT)
    sign_in_citizen(npa_page, lo, sms_code)
    npa_page.goto("/backoffice/protection/referrals/")
    audit(npa_page, "referrals received")
    npa_page.locator(f"a[href='/backoffice/protection/referrals/{referral.public_id}/']").click()
    expect(npa_page.get_by_role("main")).to_contain_text("ຕ້ອງການຝຶກວິຊາຊີບຕັດຫຍິບ")
    expect(npa_page.get_by_role("main")).not_to_contain_text("ສີສຸພັນ")
    audit(npa_page, "referral")
    npa_page.locator("input[name='answer-decision'][value='accept']").check()
    npa_page.get_by_role("main").get_by_role("button", name=lo("Send the answer")).click()
    expect(npa_page.locator(".messages")).to_be_visible()
    audit(npa_page, "accepted referral")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED
    # The association never reaches the case itself.
    response = npa_page.goto(f"/backoffice/protection/cases/{case.public_id}/")
    assert response is not None
    assert response.status == 404

    page.reload()
    expect(page.get_by_role("main")).to_contain_text(lo("Accepted"))
    axe.assert_clean()
