"""Safe migration in the browser: the pre-departure path (a migrant registers with consent, is refused first without
it, sees the timeline, gets the pre-departure card once a labour officer has checked the documents, and the card's
QR code verifies at /verify/); the public licence check (by licence number and by Lao name, a suspended agency shows
as suspended with its sanction); an anonymous complaint with evidence, followed with its reference and secret code;
and the statistics page, where no published count lies between 1 and k − 1. axe-core checks every page on a desktop
and a phone.

The demo data (elaos.demo.data) gives the citizen, the offices, the agencies (RA-2022-0004 suspended), the migrants,
complaints and returnees the statistics count."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import STAFF_PASSWORD, confirmed_totp, staff_with_role, totp_now
from elaos.accounts.models import User
from elaos.agencies.models import Organisation
from elaos.core.models import Province
from elaos.demo.data import load_demo
from elaos.documents import payload as document_payload
from elaos.documents.models import Document
from elaos.documents.selectors import REASON_MESSAGES
from elaos.documents.services import verify_url
from elaos.migration.models import Complaint, ComplaintEvidence, Migrant, RecruitmentAgency
from elaos.migration.services import secret_matches

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OFFICE = "molsw-vte-chanthabouly"
CITIZEN_PHONE, CITIZEN_TYPED = "+8562055550101", "020 5555 0101"
ACTIVE_AGENCY, SUSPENDED_AGENCY = "RA-2024-0002", "RA-2022-0004"
SUSPENDED_NAME_WORD = "ດາວເໜືອ"  # a word of "ບໍລິສັດ ຈັດຫາງານ ດາວເໜືອ", the suspended demo agency
EMPLOYER = "Udon Food Processing Co."
TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
# Every page of these tests is checked by axe-core, which the pages' CSP would refuse to inject.
AXE_CONTEXT = {"bypass_csp": True}
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}
LAO_DIGITS = str.maketrans("໐໑໒໓໔໕໖໗໘໙", "0123456789")


def url(path: str) -> re.Pattern[str]:
    return re.compile(re.escape(path) + r"(\?.*)?(#.*)?$")


@pytest.fixture
def demo(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Complaint evidence is written to private storage: a temporary directory here.
    monkeypatch.setattr(
        ComplaintEvidence._meta.get_field("file"), "storage", FileSystemStorage(location=tmp_path / "private")
    )
    load_demo()


@pytest.fixture
def audit(axe):  # type: ignore[no-untyped-def]
    def run(on: Page, label: str) -> None:
        for name, size in VIEWPORTS.items():
            on.set_viewport_size(size)
            axe(on, f"{label} ({name})")
        on.set_viewport_size(VIEWPORTS["desktop"])

    return run


def sign_in_citizen(page: Page, lo, sms_code) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/sign-in/")
    page.get_by_label(lo("Mobile number")).fill(CITIZEN_TYPED)
    page.get_by_role("main").get_by_role("button", name=lo("Send me a code")).click()
    expect(page).to_have_url(url("/accounts/code/"))
    page.get_by_label(lo("Code from the SMS")).fill(sms_code(CITIZEN_PHONE))
    page.get_by_role("main").get_by_role("button", name=lo("Continue")).click()
    expect(page).to_have_url(url("/accounts/profile/"))


def sign_in_staff(page: Page, lo, user: User, landing: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/sign-in/email/")
    page.get_by_label(lo("E-mail")).fill(user.email)
    page.get_by_label(lo("Password")).fill(STAFF_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=lo("Sign in")).click()
    page.goto(landing)
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/"))
    page.get_by_label(lo("Code from your authenticator app, or a recovery code")).fill(
        totp_now(user.totpdevice_set.get())
    )
    page.get_by_role("main").get_by_role("button", name=lo("Continue")).click()
    expect(page).to_have_url(url(landing))


def fill_registration(page: Page) -> None:
    """A worker going to Thailand through a licensed agency, every document valid after the departure."""
    today = timezone.localdate()

    def day(days: int) -> str:
        return (today + datetime.timedelta(days=days)).isoformat()

    office = Organisation.objects.get(code=OFFICE)
    agency = RecruitmentAgency.objects.get(licence_number=ACTIVE_AGENCY)
    page.locator("#id_office").select_option(str(office.pk))
    page.locator("#id_sex").select_option("female")
    page.locator("#id_birth_year").fill("1998")
    page.locator("#id_home_province").select_option(str(Province.objects.get(code="13").pk))
    page.locator("#id_destination").select_option("TH")
    page.locator("#id_employer_name").fill(EMPLOYER)
    page.locator("#id_sector").select_option("C")
    page.locator("#id_job_title").fill("ພະນັກງານໂຮງງານ")
    page.locator("#id_monthly_wage").fill("11000")
    page.locator("#id_hours_per_week").fill("48")
    page.locator("#id_monthly_deductions").fill("500")
    page.locator("#id_contract_months").fill("24")
    page.locator("#id_agency").select_option(str(agency.pk))
    page.locator("#id_departure_date").fill(day(14))
    for field, value, expires in [
        ("passport", "P1234567", 1500),
        ("visa", "V-9001", 700),
        ("work_permit", "WP-9001", 700),
    ]:
        page.locator(f"#id_{field}_number").fill(value)
        page.locator(f"#id_{field}_expires_on").fill(day(expires))
    page.locator("#id_orientation_completed_on").fill(day(-2))
    page.locator("#id_health_check_on").fill(day(-3))
    page.locator("#id_health_check_result").select_option("fit")
    page.locator("#id_insurance_provider").fill("ປະກັນໄພ ລາວ-ວຽດ")
    page.locator("#id_insurance_policy_number").fill("LVI-99001")
    page.locator("#id_insurance_expires_on").fill(day(700))


def test_migrant_registers_gets_a_pre_departure_card_and_its_qr_verifies(  # type: ignore[no-untyped-def]
    browsing, demo, audit, axe, lo, sms_code
) -> None:
    citizen = User.objects.get(phone=CITIZEN_PHONE)
    officer = staff_with_role("migration_officer", Organisation.objects.get(code=OFFICE))
    confirmed_totp(officer)

    # The migrant registers a departure: refused without consent (what was typed stays), then recorded.
    page = browsing.page(**AXE_CONTEXT)
    main = page.get_by_role("main")
    sign_in_citizen(page, lo, sms_code)
    page.goto("/migration/")
    expect(page.get_by_role("heading", level=1)).to_have_text(lo("Safe migration"))
    audit(page, "safe migration home")
    main.get_by_role("link", name=lo("Register before you leave")).click()
    expect(page).to_have_url(url("/migration/me/register/"))
    audit(page, "registration form")
    fill_registration(page)
    main.get_by_role("button", name=lo("Register")).click()
    expect(page.locator("#id_consent_error")).to_be_visible()
    expect(page.locator("#id_employer_name")).to_have_value(EMPLOYER)
    assert not Migrant.objects.filter(employer_name=EMPLOYER).exists()
    audit(page, "registration form with an error")
    page.locator("#id_consent").check()
    main.get_by_role("button", name=lo("Register")).click()

    migrant = Migrant.objects.get(employer_name=EMPLOYER)
    assert (migrant.person, migrant.channel, migrant.consent_purpose) == (citizen, "self", "safe_migration")
    record_path = f"/migration/me/records/{migrant.public_id}/"
    expect(page).to_have_url(url(record_path))
    expect(page.locator(".messages")).to_contain_text(migrant.reference)
    expect(page.get_by_role("heading", level=1)).to_contain_text(migrant.reference)
    expect(main.get_by_test_id("migrant-status")).to_have_text(lo("Registered"))
    expect(main.locator("ol.timeline li")).to_have_count(1)
    expect(main.get_by_role("button", name=lo("Get my pre-departure card"))).to_have_count(0)
    audit(page, "own record, registered")

    # The labour office checks the documents and moves the record on.
    officer_page = browsing.page(**AXE_CONTEXT)
    bo_path = f"/migration/backoffice/migrants/{migrant.public_id}/"
    sign_in_staff(officer_page, lo, officer, bo_path)
    expect(officer_page.get_by_role("heading", level=1)).to_contain_text(migrant.reference)
    audit(officer_page, "officer's record page")
    officer_page.locator("#id_status").select_option("documents")
    officer_page.get_by_role("main").get_by_role("button", name=lo("Change the status")).click()
    expect(officer_page.locator(".messages")).to_contain_text(lo("The status was changed."))
    migrant.refresh_from_db()
    assert migrant.status == Migrant.Status.DOCUMENTS

    # The migrant sees the timeline move and gets the card, a signed PDF.
    page.reload()
    expect(main.get_by_test_id("migrant-status")).to_have_text(lo("Documents ready"))
    timeline = main.locator("ol.timeline li .timeline-state")
    expect(timeline).to_have_text([lo("Registered"), lo("Documents ready")])
    audit(page, "own record, documents ready")
    with page.expect_download() as download:
        main.get_by_role("button", name=lo("Get my pre-departure card")).click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    migrant.refresh_from_db()
    document = Document.objects.get(public_id=migrant.card_document_id)
    assert (document.holder, document.type_code) == (citizen, "pre-departure-card")
    page.goto(record_path)
    expect(main.get_by_role("link", name=lo("Download the pre-departure card (PDF)"))).to_be_visible()

    # Anyone scanning the card's QR code lands on /verify/ and sees it is genuine.
    qr = urlsplit(verify_url(document.payload))
    assert qr.path == "/verify/"
    visitor = browsing.page(**AXE_CONTEXT)
    visitor.goto(f"{qr.path}?{qr.query}")
    result = visitor.get_by_role("main").get_by_role("status")
    expect(result.get_by_role("heading")).to_have_text(lo("Valid document"))
    expect(result).to_contain_text(lo(REASON_MESSAGES[document_payload.Reason.OK]))
    expect(result).to_contain_text(citizen.get_full_name())
    axe.assert_clean()


def stat_counts(page: Page) -> list[str]:
    return [text.strip() for text in page.locator("table.stat-table td.number").all_inner_texts()]


def test_licence_check_anonymous_complaint_and_statistics(  # type: ignore[no-untyped-def]
    browsing, demo, audit, axe, lo
) -> None:
    suspended = RecruitmentAgency.objects.get(licence_number=SUSPENDED_AGENCY)
    active = RecruitmentAgency.objects.get(licence_number=ACTIVE_AGENCY)
    page = browsing.page(**AXE_CONTEXT)
    main = page.get_by_role("main")

    # The licence check: by number, then by a word of a Lao name.
    page.goto("/migration/agencies/")
    expect(page.get_by_role("heading", level=1)).to_have_text(lo("Licensed recruitment agencies"))
    audit(page, "agency register")
    search = main.get_by_role("search")
    search.get_by_label(lo("Licence number or agency name")).fill(ACTIVE_AGENCY)
    search.get_by_role("button", name=lo("Check")).click()
    expect(page).to_have_url(re.compile(r"/migration/agencies/\?q="))
    rows = main.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(active.name_lo)
    expect(rows).to_contain_text(lo("Active"))

    search.get_by_label(lo("Licence number or agency name")).fill(SUSPENDED_NAME_WORD)
    search.get_by_role("button", name=lo("Check")).click()
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(suspended.name_lo)
    expect(rows.locator(".npa-status")).to_have_text(lo("Suspended"))
    audit(page, "agency register, searched")
    rows.get_by_role("link", name=SUSPENDED_AGENCY).click()
    expect(page).to_have_url(url(f"/migration/agencies/{SUSPENDED_AGENCY}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(suspended.name_lo)
    expect(main.get_by_role("note")).to_be_visible()
    sanctions = main.get_by_role("table")
    expect(sanctions).to_contain_text(lo("Suspended"))
    expect(sanctions).to_contain_text("Charged 14 workers fees above the legal limit")
    audit(page, "suspended agency")

    # A family member complains anonymously about the suspended agency, with a PDF as evidence.
    main.get_by_role("link", name=lo("Make a complaint about this agency")).click()
    expect(page).to_have_url(url("/migration/complaints/new/"))
    audit(page, "complaint form")
    main.get_by_role("button", name=lo("Send the complaint")).click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit(page, "complaint form with errors")
    main.get_by_role("radio", name=lo("A family member")).check()
    page.locator("#id_anonymous").check()
    main.get_by_role("radio", name=lo("A recruitment agency")).check()
    page.locator("#id_agency").select_option(str(suspended.pk))
    page.locator("#id_destination").select_option("TH")
    page.locator("#id_category").select_option("confiscated_documents")
    description = "ວິສາຫະກິດຍຶດໜັງສືຜ່ານແດນຂອງລູກສາວຂ້ອຍ ແລະ ຂໍເງິນ 5.000.000 ກີບ ເພື່ອສົ່ງຄືນ."
    page.locator("#id_description").fill(description)
    page.locator("#id_evidence").set_input_files(
        {"name": "receipt.pdf", "mimeType": "application/pdf", "buffer": TINY_PDF}
    )
    main.get_by_role("button", name=lo("Send the complaint")).click()
    expect(page).to_have_url(re.compile(r"/migration/complaints/filed/CMP-[A-Z0-9]+/$"))
    reference = main.get_by_test_id("reference").inner_text()
    code = main.get_by_test_id("secret-code").inner_text()
    complaint = Complaint.objects.get(reference=reference)
    assert (complaint.anonymous, complaint.complainant, complaint.contact_phone) == (True, None, "")
    assert (complaint.agency, complaint.category, complaint.description) == (
        suspended,
        "confiscated_documents",
        description,
    )
    assert ComplaintEvidence.objects.get(complaint=complaint).original_name == "receipt.pdf"
    assert secret_matches(complaint, code), "the code shown follows this complaint"
    audit(page, "complaint filed")

    # Following it: a wrong code tells nothing, the right one shows the status.
    main.get_by_role("link", name=lo("Follow the complaint")).click()
    expect(page).to_have_url(url("/migration/complaints/follow/"))
    page.get_by_label(lo("Reference")).fill(reference)
    page.get_by_label(lo("Secret code")).fill("WRONGCODE1")
    main.get_by_role("button", name=lo("Show the status")).click()
    expect(page.locator(".error-summary")).to_contain_text(
        lo("No complaint matches this reference and code. Check both and try again.")
    )
    audit(page, "complaint lookup with an error")
    page.get_by_label(lo("Secret code")).fill(code)
    main.get_by_role("button", name=lo("Show the status")).click()
    expect(main.get_by_test_id("complaint-status")).to_have_text(lo("Received"))
    expect(main).to_contain_text(suspended.name_lo)
    expect(main).not_to_contain_text(description)
    audit(page, "complaint status")

    # The statistics: published counts are 0 or at least k; small ones are left out.
    page.goto("/migration/statistics/")
    expect(page.get_by_role("heading", level=1)).to_have_text(lo("Migration in numbers"))
    counts = stat_counts(page)
    assert counts, "the statistics page shows tables"
    published = [int(c.translate(LAO_DIGITS).replace(",", "").replace(".", "")) for c in counts if c != "—"]
    assert published, "some counts are large enough to publish"
    assert all(n == 0 or n >= 11 for n in published), published
    assert "—" in counts, "the demo's small counts are suppressed"
    destination = main.locator("table[data-table='registrations_by_destination']")
    expect(destination.locator("tbody tr").first).to_contain_text(lo("Thailand"))
    expect(main.locator("figure svg").first).to_be_visible()
    audit(page, "statistics")

    page.goto("/migration/countries/TH/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    audit(page, "Thailand information page")
    axe.assert_clean()
