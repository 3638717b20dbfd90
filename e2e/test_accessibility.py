"""axe-core (WCAG 2.2 AA rules) on every page a citizen or an officer meets while signing in."""

import pytest
from playwright.sync_api import expect

from conftest import StaffFactory, confirmed_totp, totp_now
from elaos.notifications.services import email_send, sms_send

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# The page's Content-Security-Policy (script-src 'self') rightly refuses the injected axe script, so the
# audits run in contexts that bypass CSP; every other e2e test runs with the policy enforced.
AXE_CONTEXT = {"bypass_csp": True}
PASSWORD = "correct horse battery staple"


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 800}, {"width": 360, "height": 740}], ids=["desktop", "phone"]
)
def test_public_pages_have_no_axe_violations(browsing, axe, lo, viewport) -> None:  # type: ignore[no-untyped-def]
    page = browsing.page(viewport=viewport, **AXE_CONTEXT)
    main = page.get_by_role("main")

    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "lo")
    axe(page, "home (lo)")
    page.get_by_role("banner").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    axe(page, "home (en)")
    page.get_by_role("banner").get_by_role("button", name="ພາສາລາວ").click()
    expect(page.locator("html")).to_have_attribute("lang", "lo")

    for path, label in [
        ("/accounts/sign-in/", "sign-in"),
        ("/accounts/sign-up/", "sign-up"),
        ("/accounts/sign-in/email/", "e-mail sign-in"),
        ("/accounts/sign-up/email/", "e-mail sign-up"),
        ("/accounts/password-reset/", "password reset"),
    ]:
        page.goto(path)
        axe(page, label)

    page.goto("/accounts/sign-in/")
    page.get_by_label(lo("Mobile number")).fill("12345")
    main.get_by_role("button", name=lo("Send me a code")).click()
    expect(page.get_by_role("alert")).to_be_visible()
    axe(page, "sign-in with an error")

    page.goto("/accounts/sign-up/email/")
    page.get_by_label(lo("E-mail")).fill("not-an-address")
    main.get_by_role("button", name=lo("Create account")).click()
    expect(page.get_by_role("alert")).to_be_visible()
    axe(page, "e-mail sign-up with errors")

    axe.assert_clean()


def test_citizen_pages_have_no_axe_violations(browsing, axe, sms_code, lo) -> None:  # type: ignore[no-untyped-def]
    page = browsing.page(**AXE_CONTEXT)
    main = page.get_by_role("main")

    page.goto("/accounts/sign-up/")
    page.get_by_label(lo("Given name (Lao)")).fill("ແກ້ວ")
    page.get_by_label(lo("Family name (Lao)")).fill("ພົມມະວົງ")
    page.get_by_label(lo("Mobile number")).fill("020 5555 2468")
    main.get_by_role("button", name=lo("Send me a code")).click()
    expect(page).to_have_url(browsing.base_url + "/accounts/code/")
    axe(page, "code")

    page.get_by_label(lo("Code from the SMS")).fill("12ab56")
    main.get_by_role("button", name=lo("Continue")).click()
    expect(page.get_by_role("alert")).to_be_visible()
    axe(page, "code with an error")

    page.get_by_label(lo("Code from the SMS")).fill(sms_code("+8562055552468"))
    main.get_by_role("button", name=lo("Continue")).click()
    expect(page).to_have_url(browsing.base_url + "/accounts/profile/")
    axe(page, "profile (signed in)")

    axe.assert_clean()


def test_staff_pages_have_no_axe_violations(browsing, axe, lo) -> None:  # type: ignore[no-untyped-def]
    staff = StaffFactory(email="e2e.officer@gov.la", given_name_latin="Bounmy")
    # StaffFactory's `password = "..."` replaces UserFactory's post-generation hook, so the plain text would be
    # stored as is; set it properly to sign in through the form.
    staff.set_password(PASSWORD)
    staff.save(update_fields=["password"])
    device = confirmed_totp(staff)
    sms_send(to="+8562055553333", body="ລະຫັດ e-Laos: 123456. ຢ່າບອກໃຜ.")
    email_send(to="citizen@example.la", subject="ຍິນດີຕ້ອນຮັບ", body="Welcome to e-Laos.\nສະບາຍດີ")

    page = browsing.page(**AXE_CONTEXT)
    main = page.get_by_role("main")
    page.goto("/accounts/sign-in/email/")
    page.get_by_label(lo("E-mail")).fill("e2e.officer@gov.la")
    page.get_by_label(lo("Password")).fill(PASSWORD)
    main.get_by_role("button", name=lo("Sign in")).click()
    expect(
        page.get_by_role("banner").get_by_role("navigation").get_by_role("button", name=lo("Sign out"))
    ).to_be_visible()

    page.goto("/backoffice/")
    expect(page).to_have_url(browsing.base_url + "/accounts/second-factor/?next=%2Fbackoffice%2F")
    axe(page, "second factor")
    page.get_by_label(lo("Code from your authenticator app, or a recovery code")).fill(totp_now(device))
    main.get_by_role("button", name=lo("Continue")).click()

    expect(page).to_have_url(browsing.base_url + "/backoffice/")
    expect(page.get_by_role("heading", level=1)).to_have_text(lo("Back office"))
    axe(page, "back office")

    main.get_by_role("link", name=lo("Message outbox (SMS and e-mail simulator)")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(lo("Message outbox"))
    expect(main).to_contain_text("123456")
    axe(page, "outbox")

    axe.assert_clean()
