"""A citizen in the browser: signing up by phone, the language switch, bad input, and no JavaScript."""

import re

import pytest
from playwright.sync_api import Page, expect

from conftest import UserFactory
from elaos.accounts.models import User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PATH_END = r"(\?.*)?$"


def url(path: str) -> re.Pattern[str]:
    return re.compile(re.escape(path) + PATH_END)


def test_citizen_signs_up_by_phone_switches_language_and_signs_out(page: Page, sms_code, lo) -> None:  # type: ignore[no-untyped-def]
    html = page.locator("html")
    nav = page.get_by_role("banner").get_by_role("navigation")

    page.goto("/")
    expect(html).to_have_attribute("lang", "lo")
    nav.get_by_role("link", name=lo("Sign up"), exact=True).click()

    expect(page).to_have_url(url("/accounts/sign-up/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(lo("Create an account"))
    page.get_by_label(lo("Given name (Lao)")).fill("ແກ້ວ")
    page.get_by_label(lo("Family name (Lao)")).fill("ພົມມະວົງ")
    page.get_by_label(lo("Mobile number")).fill("020 5555 9876")
    page.get_by_role("button", name=lo("Send me a code")).click()

    expect(page).to_have_url(url("/accounts/code/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(lo("Enter your code"))
    expect(page.get_by_role("main")).to_contain_text("+856 20 55 559 876")
    code = sms_code("+8562055559876")
    page.get_by_label(lo("Code from the SMS")).fill(code)
    page.get_by_role("button", name=lo("Continue")).click()

    expect(page).to_have_url(url("/accounts/profile/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(lo("My profile"))
    expect(page.get_by_label(lo("Given name (Lao)"))).to_have_value("ແກ້ວ")
    expect(nav.get_by_role("button", name=lo("Sign out"))).to_be_visible()
    citizen = User.objects.get(phone="+8562055559876")
    assert (citizen.given_name_lo, citizen.family_name_lo) == ("ແກ້ວ", "ພົມມະວົງ")

    # The language switch in the header: English, remembered from page to page and on the account.
    page.get_by_role("banner").get_by_role("button", name="English").click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(url("/accounts/profile/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My profile")
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    nav.get_by_role("link", name="Home", exact=True).click()
    expect(html).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Government services of the Lao PDR, in one place")
    citizen.refresh_from_db()
    assert citizen.preferred_language == "en"

    page.get_by_role("banner").get_by_role("button", name="ພາສາລາວ").click()
    expect(html).to_have_attribute("lang", "lo")
    expect(page.get_by_role("banner").get_by_role("button", name="English")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(lo("Government services of the Lao PDR, in one place"))

    nav.get_by_role("button", name=lo("Sign out")).click()
    expect(page).to_have_url(url("/"))
    expect(html).to_have_attribute("lang", "lo")
    expect(nav.get_by_role("link", name=lo("Sign in"), exact=True)).to_be_visible()
    expect(nav.get_by_role("button", name=lo("Sign out"))).to_have_count(0)


def test_bad_input_is_kept_and_explained(page: Page, sms_code, lo) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/sign-in/")
    phone = page.get_by_label(lo("Mobile number"))
    phone.fill("12345")
    page.get_by_role("button", name=lo("Send me a code")).click()

    expect(page).to_have_url(url("/accounts/sign-in/"))
    expect(page.get_by_role("alert")).to_have_text(lo("Please correct the fields marked below."))
    expect(phone).to_have_value("12345")
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(phone).to_have_accessible_description(
        re.compile(re.escape(lo("Enter a Lao mobile number, for example 020 5555 1234.")))
    )
    expect(page.locator(".field-error .error")).to_have_text(
        lo("Enter a Lao mobile number, for example 020 5555 1234.")
    )

    phone.fill("020 5555 4321")
    page.get_by_role("button", name=lo("Send me a code")).click()
    expect(page).to_have_url(url("/accounts/code/"))
    right = sms_code("+8562055554321")
    wrong = "".join(str((int(d) + 1) % 10) for d in right)
    field = page.get_by_label(lo("Code from the SMS"))
    field.fill(wrong)
    page.get_by_role("button", name=lo("Continue")).click()

    expect(page).to_have_url(url("/accounts/code/"))
    expect(page.get_by_role("alert")).to_be_visible()
    expect(field).to_have_value(wrong)
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field-error .error")).to_have_text(
        lo("This code is wrong or has expired. Check the SMS, or ask for a new code.")
    )
    expect(
        page.get_by_role("banner").get_by_role("navigation").get_by_role("link", name=lo("Sign in"), exact=True)
    ).to_be_visible()

    field.fill("12ab56")
    page.get_by_role("button", name=lo("Continue")).click()
    expect(page.locator(".field-error .error")).to_have_text(lo("The code is made of digits only."))
    expect(field).to_have_value("12ab56")


def test_signing_in_works_without_javascript(browsing, sms_code, lo) -> None:  # type: ignore[no-untyped-def]
    UserFactory(phone="+8562055551111", given_name_lo="ນ້ອຍ")
    page = browsing.page(java_script_enabled=False)
    nav = page.get_by_role("banner").get_by_role("navigation")

    page.goto("/")
    nav.get_by_role("link", name=lo("Sign in"), exact=True).click()
    expect(page).to_have_url(url("/accounts/sign-in/"))
    page.get_by_label(lo("Mobile number")).fill("020 5555 1111")
    page.get_by_role("button", name=lo("Send me a code")).click()

    expect(page).to_have_url(url("/accounts/code/"))
    page.get_by_label(lo("Code from the SMS")).fill(sms_code("+8562055551111"))
    page.get_by_role("button", name=lo("Continue")).click()

    expect(page).to_have_url(url("/accounts/profile/"))
    expect(page.get_by_label(lo("Given name (Lao)"))).to_have_value("ນ້ອຍ")
    expect(nav.get_by_role("button", name=lo("Sign out"))).to_be_visible()
