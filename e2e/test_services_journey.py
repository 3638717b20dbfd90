"""The public-services journey in the browser: a citizen finds a paid service, applies with documents, pays by the
bank simulator; an officer reviews and approves; the citizen downloads the signed PDF; anyone verifies it.

The demo data (elaos.demo.data) gives the people and the catalogue: Somchai lives in Vientiane Capital, so his
application for a foreign worker's permit is routed to the Vientiane Capital labour department, where the demo
approver works. Texts are looked up in the Lao catalogue (`lo`) or read from the service's own definition."""

import hashlib
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings as django_settings
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.utils import translation
from playwright.sync_api import Locator, Page, expect

from conftest import totp_now
from elaos.accounts.models import User
from elaos.core.lao import format_kip
from elaos.demo.data import DEMO_DOMAIN, DEMO_PASSWORD, load_demo
from elaos.documents import payload as document_payload
from elaos.documents import services as document_services
from elaos.documents.models import Document
from elaos.documents.selectors import REASON_MESSAGES
from elaos.documents.services import verify_url
from elaos.notifications.models import Message
from elaos.payments.models import Payment
from elaos.services.definition import DEFINITIONS_DIR, load_file, resolve_workflow
from elaos.services.models import Application, ApplicationFile

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SERVICE = "foreign-worker-permit"
# A Lao search as people type it, without spaces between words: "work permit".
SEARCH_LO = "ໃບອະນຸຍາດເຮັດວຽກ"
CITIZEN_PHONE, CITIZEN_TYPED = "+8562055550101", "020 5555 0101"
APPROVER_EMAIL = f"approver@{DEMO_DOMAIN}"
# The smallest file the server takes for a PDF: it sniffs the magic bytes, not the name.
TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
# What the applicant types, in Lao where the form allows it. Lao digits for the months: the form reads them.
ANSWERS = {
    "worker_full_name": "ຫວັງ ມິນ ທວນ",
    "nationality": "ຫວຽດນາມ",
    "passport_number": "C1234567",
    "position": "ວິສະວະກອນໄຟຟ້າ",
    "employer_name": "ບໍລິສັດ ລາວພັດທະນາ ຈຳກັດ",
    "employer_registration_number": "01-2345/ອຄ",
    "start_date": "2026-09-01",
    "permit_months": "໑໒",
}
# axe-core needs contexts that bypass the pages' Content-Security-Policy (see test_accessibility.py).
AXE_CONTEXT = {"bypass_csp": True}
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}
PATH_END = r"(\?.*)?$"


def url(path: str) -> re.Pattern[str]:
    return re.compile(re.escape(path) + PATH_END)


def lao(template: str, **values: Any) -> str:
    """A message with placeholders as the Lao pages show it (amounts formatted the Lao way)."""
    with translation.override("lo"):
        return translation.gettext(template) % values


def kip(amount: int) -> str:
    with translation.override("lo"):
        return format_kip(amount)


@pytest.fixture
def demo(settings, tmp_path, monkeypatch) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The demo organisations, people and catalogue; the bank simulator on; uploads kept in a temporary folder."""
    settings.PAYMENTS_SIMULATOR = True
    monkeypatch.setattr(
        ApplicationFile._meta.get_field("file"), "storage", FileSystemStorage(location=tmp_path / "uploads")
    )
    load_demo()
    definition = load_file(DEFINITIONS_DIR / f"{SERVICE}.yaml")
    workflow = resolve_workflow(definition)
    return {
        "definition": definition,
        "states": {code: spec["name_lo"] for code, spec in workflow["states"].items()},
        "moves": {spec["code"]: spec["name_lo"] for spec in workflow["transitions"]},
        "fee": sum(fee["amount_kip"] for fee in definition["fees"]),
        "citizen": User.objects.get(phone=CITIZEN_PHONE),
        "approver": User.objects.get(email=APPROVER_EMAIL),
    }


def sign_in_citizen(page: Page, lo, sms_code) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/sign-in/")
    page.get_by_label(lo("Mobile number")).fill(CITIZEN_TYPED)
    page.get_by_role("main").get_by_role("button", name=lo("Send me a code")).click()
    expect(page).to_have_url(url("/accounts/code/"))
    page.get_by_label(lo("Code from the SMS")).fill(sms_code(CITIZEN_PHONE))
    page.get_by_role("main").get_by_role("button", name=lo("Continue")).click()
    expect(page).to_have_url(url("/accounts/profile/"))


def sign_in_officer(page: Page, lo, officer: User) -> None:  # type: ignore[no-untyped-def]
    """E-mail and password, then the second factor asked for by the back office: a code from the demo
    authenticator."""
    nav = page.get_by_role("banner").get_by_role("navigation")
    page.goto("/accounts/sign-in/email/")
    page.get_by_label(lo("E-mail")).fill(officer.email)
    page.get_by_label(lo("Password")).fill(DEMO_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=lo("Sign in")).click()
    nav.get_by_role("link", name=lo("Back office"), exact=True).click()
    expect(page).to_have_url(url("/accounts/second-factor/"))
    device = officer.totpdevice_set.get()
    page.get_by_label(lo("Code from your authenticator app, or a recovery code")).fill(totp_now(device))
    page.get_by_role("main").get_by_role("button", name=lo("Continue")).click()
    expect(page).to_have_url(url("/backoffice/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(lo("Back office"))


def fill_application(page: Page, definition: dict[str, Any]) -> None:
    ui = definition["form"]["ui"]
    for name, value in ANSWERS.items():
        page.get_by_label(ui[name]["label_lo"], exact=True).fill(value)
    for spec in definition["documents"]:
        page.get_by_label(spec["name_lo"], exact=True).set_input_files(
            {"name": f"{spec['code']}.pdf", "mimeType": "application/pdf", "buffer": TINY_PDF}
        )


def summary_value(scope: Locator, term: str) -> Locator:
    """The value (dd) of a term (dt) in the description lists of `scope`."""
    terms = scope.locator("dl dt").filter(has_text=re.compile(f"^{re.escape(term)}$"))
    return terms.locator("xpath=following-sibling::dd[1]")


def in_thread(function: Callable[..., Any], **kwargs: Any) -> Any:
    """Call `function` in a thread of its own, with its own database connection, closed afterwards."""

    def call() -> Any:
        try:
            return function(**kwargs)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def tampered(code: str) -> str:
    """The code with one character in the middle of its signed record changed to another base64url character."""
    prefix, body, kid, signature = code.split(".")
    middle = len(body) // 2
    other = "A" if body[middle] != "A" else "B"
    return ".".join([prefix, body[:middle] + other + body[middle + 1 :], kid, signature])


def test_citizen_applies_pays_officer_approves_and_anyone_verifies(browsing, demo, sms_code, lo) -> None:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    definition, states, moves = demo["definition"], demo["states"], demo["moves"]
    citizen: User = demo["citizen"]

    # The citizen signs in by phone, finds the service by a Lao search and applies.
    page = browsing.page()
    main = page.get_by_role("main")
    nav = page.get_by_role("banner").get_by_role("navigation")
    sign_in_citizen(page, lo, sms_code)

    nav.get_by_role("link", name=lo("Services"), exact=True).click()
    expect(page).to_have_url(url("/services/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(lo("Public services"))
    search = main.get_by_role("search")
    search.get_by_role("searchbox", name=lo("Search services")).fill(SEARCH_LO)
    search.get_by_role("button", name=lo("Search"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/services/\?q="))
    first = main.locator(".cards > li").first
    expect(first.get_by_role("heading", level=3)).to_have_text(definition["name_lo"])
    first.get_by_role("link", name=definition["name_lo"]).click()

    expect(page).to_have_url(url(f"/services/{SERVICE}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(definition["name_lo"])
    expect(main).to_contain_text(kip(demo["fee"]))
    main.get_by_role("button", name=lo("Apply online")).click()

    expect(page).to_have_url(re.compile(r"/services/applications/[0-9a-f-]{36}/$"))
    application = Application.objects.get(applicant=citizen)
    assert application.office.code == "molsw-vte"
    expect(main).to_contain_text(application.reference)
    fill_application(page, definition)
    main.get_by_role("button", name=lo("Save draft")).click()

    expect(page.locator(".messages")).to_contain_text(lo("Your draft is saved."))
    permit_months = definition["form"]["ui"]["permit_months"]["label_lo"]
    expect(page.get_by_label(permit_months, exact=True)).to_have_value("12")
    for spec in definition["documents"]:
        expect(main.get_by_role("link", name=f"{spec['code']}.pdf", exact=True)).to_be_visible()
    application.refresh_from_db()
    assert application.state == "draft"
    assert application.data["permit_months"] == 12
    assert application.files.active().count() == len(definition["documents"])
    main.get_by_role("button", name=lo("Submit"), exact=True).click()

    # Sent: the fee is due first.
    status_path = f"/services/applications/{application.public_id}/status/"
    expect(page).to_have_url(url(status_path))
    expect(page.locator(".messages")).to_contain_text(
        lao("Your application is sent. Its reference is %(ref)s.", ref=application.reference)
    )
    expect(main.locator(".state-label")).to_have_text(states["awaiting_payment"])
    expect(main.get_by_role("heading", name=lo("Pay the fee"))).to_be_visible()
    main.get_by_role("link", name=lo("Pay now")).click()

    application.refresh_from_db()
    payment = Payment.objects.get(public_id=application.payment_id)
    assert (payment.amount_kip, payment.status) == (demo["fee"], Payment.Status.PENDING)
    expect(page).to_have_url(url(f"/payments/{payment.public_id}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(lo("Payment"))
    expect(main).to_contain_text(payment.reference)
    qr = main.get_by_role("img", name=lao("Lao QR code to pay payment %(reference)s", reference=payment.reference))
    expect(qr).to_be_visible()
    # Drawn, not a broken image: the data: URI is allowed by the page's Content-Security-Policy.
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    main.get_by_role("link", name=lo("Pay with the bank simulator (development only)")).click()

    expect(page).to_have_url(url(f"/payments/simulator/{payment.reference}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(lo("Bank simulator"))
    main.get_by_role("button", name=lao("Pay %(amount)s", amount=kip(payment.amount_kip))).click()

    expect(page).to_have_url(url(f"/payments/{payment.public_id}/"))
    expect(page.locator(".messages")).to_contain_text(
        lao("The bank confirmed your payment of %(amount)s.", amount=kip(payment.amount_kip))
    )
    expect(summary_value(main, lo("Status"))).to_have_text(lo("Paid"))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    main.get_by_role("link", name=lo("See the receipt")).click()
    expect(page).to_have_url(url(f"/payments/{payment.public_id}/receipt/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(lo("Payment receipt"))
    expect(main).to_contain_text(payment.bank_transaction_id)

    nav.get_by_role("link", name=lo("My applications"), exact=True).click()
    main.get_by_role("link", name=application.reference, exact=True).click()
    expect(page).to_have_url(url(status_path))
    expect(main.locator(".state-label")).to_have_text(states["submitted"])
    application.refresh_from_db()
    assert application.state == "submitted"

    # The officer, in another browser, takes it from the office's queue and approves it.
    officer_page = browsing.page()
    officer_main = officer_page.get_by_role("main")
    sign_in_officer(officer_page, lo, demo["approver"])
    officer_main.get_by_role("link", name=lo("Applications to handle")).click()
    expect(officer_page).to_have_url(url("/backoffice/services/queue/"))
    officer_main.get_by_role("link", name=application.reference, exact=True).click()
    expect(officer_page.get_by_role("heading", level=1)).to_contain_text(application.reference)
    expect(officer_main).to_contain_text(ANSWERS["worker_full_name"])
    officer_main.get_by_role("button", name=moves["start_review"], exact=True).click()
    expect(officer_page.locator(".messages")).to_contain_text(lao("Done: %(action)s.", action=moves["start_review"]))
    approve = officer_main.get_by_role("group", name=moves["approve"], exact=True)
    reason = approve.get_by_label(lo("Reason"))
    reason.fill("ເອກະສານຄົບຖ້ວນ")
    approve.get_by_role("button", name=moves["approve"], exact=True).click()
    expect(officer_page.locator(".messages")).to_contain_text(lao("Done: %(action)s.", action=moves["approve"]))
    expect(officer_main).to_contain_text(states["approved"])
    application.refresh_from_db()
    assert application.state == "approved"
    assert application.document_id is not None
    # The applicant is told by SMS, with the link to the status page (delivered at once to the local outbox).
    status_link = f"{django_settings.SITE_URL.rstrip('/')}{status_path}"
    assert Message.objects.filter(to=CITIZEN_PHONE, body__contains=status_link).exists()

    # The citizen sees the decision and downloads the signed document.
    page.reload()
    expect(main.locator(".state-label")).to_have_text(states["approved"])
    with page.expect_download() as download_info:
        main.get_by_role("link", name=lo("Download your document")).click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert b"/ByteRange" in pdf, "the PDF carries no PAdES signature"
    assert b"/Contents" in pdf, "the PDF carries no PAdES signature"
    document = Document.objects.get(public_id=application.document_id)
    assert document.holder == citizen
    assert hashlib.sha256(pdf).hexdigest() == document.sha256

    # Anyone can check the code the QR holds, and a tampered code or file is caught.
    visitor = browsing.page()
    visitor_main = visitor.get_by_role("main")
    result = visitor_main.get_by_role("status")
    visitor.goto(f"/verify/?c={document.payload}")
    expect(result.get_by_role("heading")).to_have_text(lo("Valid document"))
    expect(result).to_contain_text(lo(REASON_MESSAGES[document_payload.Reason.OK]))
    expect(result).to_contain_text(citizen.get_full_name())

    visitor.goto(f"/verify/?c={tampered(document.payload)}")
    expect(result.get_by_role("heading")).to_have_text(lo("Not a valid document"))
    expect(result).to_contain_text(lo(REASON_MESSAGES[document_payload.Reason.BAD_SIGNATURE]))
    expect(result).not_to_contain_text(citizen.get_full_name())

    # The answer to a scanned QR links to the form (it holds none, so that it is the same for every visitor).
    visitor_main.get_by_role("link", name=lo("Verify another code or compare a PDF file")).click()
    code_field = visitor.get_by_label(lo("Verification code or link"))
    code_field.fill(document.payload)
    visitor.get_by_label(lo("PDF file")).set_input_files(
        {"name": "document.pdf", "mimeType": "application/pdf", "buffer": pdf}
    )
    visitor_main.get_by_role("button", name=lo("Verify"), exact=True).click()
    expect(result.get_by_role("heading")).to_have_text(lo("Valid document"))
    expect(result).to_contain_text(citizen.get_full_name())

    altered = bytearray(pdf)
    altered[-20] ^= 0x01
    code_field.fill(document.payload)
    visitor.get_by_label(lo("PDF file")).set_input_files(
        {"name": "document.pdf", "mimeType": "application/pdf", "buffer": bytes(altered)}
    )
    visitor_main.get_by_role("button", name=lo("Verify"), exact=True).click()
    expect(result.get_by_role("heading")).to_have_text(lo("Not a valid document"))
    expect(result).to_contain_text(lo(REASON_MESSAGES[document_payload.Reason.PDF_MISMATCH]))

    elapsed = time.monotonic() - started
    print(f"services journey: {elapsed:.1f} s")
    assert elapsed < 90, f"the journey took {elapsed:.0f} s"


def test_a_tampered_or_forged_qr_code_is_refused_in_plain_words(browsing, demo, lo) -> None:  # type: ignore[no-untyped-def]
    """What the QR on a document holds (the /verify/ link with the code), then that code changed by one character
    in each of its parts, cut short, and re-signed with a key e-Laos never had."""
    holder: User = demo["citizen"]
    # Issued in another thread: signing runs asyncio.run(), which Playwright's loop in this thread refuses.
    document = in_thread(
        document_services.document_issue,
        actor=demo["approver"],
        holder=holder,
        issuer=demo["approver"].role_assignments.get().organisation,
        type_code="foreign-worker-permit",
        title_lo="ໃບອະນຸຍາດເຮັດວຽກ",
        title_en="Work permit",
    )
    code = document.payload
    prefix, body, kid, signature = code.split(".")
    other_kid = "0" * 16 if kid != "0" * 16 else "1" * 16
    qr_link = verify_url(code)
    forged = document_payload.sign_record(
        record=document_payload.Record(
            id=str(document.public_id), type=document.type_code, holder="ຄົນອື່ນ", issuer="molsw-vte", issued="2026-01-05"
        ),
        key=Ed25519PrivateKey.generate(),
        kid=kid,
    )

    def one_changed(text: str) -> str:
        middle = len(text) // 2
        return text[:middle] + ("A" if text[middle] != "A" else "B") + text[middle + 1 :]

    Reason = document_payload.Reason
    cases = [
        ("record changed", ".".join([prefix, one_changed(body), kid, signature]), Reason.BAD_SIGNATURE),
        ("signature changed", ".".join([prefix, body, kid, one_changed(signature)]), Reason.BAD_SIGNATURE),
        ("key id changed", ".".join([prefix, body, other_kid, signature]), Reason.UNKNOWN_KEY),
        ("cut short", ".".join([prefix, body, kid]), Reason.MALFORMED),
        ("forged with another key", forged, Reason.BAD_SIGNATURE),
    ]

    page = browsing.page()
    result = page.get_by_role("main").get_by_role("status")
    # The QR holds a full link to the public site; a phone opens its path and query on this server.
    page.goto(qr_link[qr_link.index("/verify/") :])
    expect(result.get_by_role("heading")).to_have_text(lo("Valid document"))
    expect(result).to_contain_text(holder.get_full_name())
    expect(result).to_contain_text(str(document.public_id))

    for label, bad_code, reason in cases:
        page.goto(f"/verify/?c={bad_code}")
        expect(result.get_by_role("heading"), label).to_have_text(lo("Not a valid document"))
        expect(result.locator("p").first, label).to_have_text(lo(REASON_MESSAGES[reason]))
        # Said in words, without the stable reason code or anything about the document it claims to be.
        expect(result, label).not_to_contain_text(re.compile(r"bad_signature|unknown_key|malformed|rror"))
        expect(result, label).not_to_contain_text(holder.get_full_name())
        expect(result, label).not_to_contain_text("ຄົນອື່ນ")
        expect(result.locator("dl"), label).to_have_count(0)

    # The same through the form, pasting the whole link the QR held with one character of the code changed.
    page.get_by_role("main").get_by_role("link", name=lo("Verify another code or compare a PDF file")).click()
    page.get_by_label(lo("Verification code or link")).fill(qr_link.replace(body, one_changed(body)))
    page.get_by_role("main").get_by_role("button", name=lo("Verify"), exact=True).click()
    expect(result.get_by_role("heading")).to_have_text(lo("Not a valid document"))
    expect(result).to_contain_text(lo(REASON_MESSAGES[Reason.BAD_SIGNATURE]))


def test_services_pages_have_no_axe_violations(browsing, demo, axe, sms_code, lo) -> None:  # type: ignore[no-untyped-def]
    """Every page of the journey, each in the state a person meets it, with axe-core (WCAG 2.2 AA rules)."""
    definition, moves = demo["definition"], demo["moves"]

    def audit(on: Page, label: str) -> None:
        """The page as it is, on a desktop screen and again narrowed to a phone's."""
        for name, size in VIEWPORTS.items():
            on.set_viewport_size(size)
            axe(on, f"{label} ({name})")

    page = browsing.page(**AXE_CONTEXT)
    main = page.get_by_role("main")
    sign_in_citizen(page, lo, sms_code)

    page.goto("/services/")
    audit(page, "catalogue")
    main.get_by_role("searchbox", name=lo("Search services")).fill(SEARCH_LO)
    main.get_by_role("search").get_by_role("button", name=lo("Search"), exact=True).click()
    expect(main.locator(".cards > li").first).to_contain_text(definition["name_lo"])
    audit(page, "catalogue search results")
    page.goto(f"/services/{SERVICE}/")
    audit(page, "service page")

    main.get_by_role("button", name=lo("Apply online")).click()
    expect(page).to_have_url(re.compile(r"/services/applications/[0-9a-f-]{36}/$"))
    audit(page, "application form")
    main.get_by_role("button", name=lo("Submit"), exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()
    first_label = definition["form"]["ui"]["worker_full_name"]["label_lo"]
    first_field = page.get_by_label(first_label, exact=True)
    expect(first_field).to_have_attribute("aria-invalid", "true")
    expect(first_field).to_have_accessible_description(re.compile(re.escape(lo("This field is required."))))
    first_document = page.get_by_label(definition["documents"][0]["name_lo"], exact=True)
    expect(first_document).to_have_accessible_description(re.compile(re.escape(lo("This document is required."))))
    audit(page, "application form with errors")

    fill_application(page, definition)
    main.get_by_role("button", name=lo("Submit"), exact=True).click()
    expect(main.get_by_role("link", name=lo("Pay now"))).to_be_visible()
    audit(page, "status (waiting for payment)")
    main.get_by_role("link", name=lo("Pay now")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(lo("Payment"))
    audit(page, "payment")
    main.get_by_role("link", name=lo("Pay with the bank simulator (development only)")).click()
    audit(page, "bank simulator")
    main.get_by_role("button", name=lao("Pay %(amount)s", amount=kip(demo["fee"]))).click()
    expect(main.get_by_role("link", name=lo("See the receipt"))).to_be_visible()
    audit(page, "payment (paid)")
    main.get_by_role("link", name=lo("See the receipt")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(lo("Payment receipt"))
    audit(page, "receipt")
    page.goto("/services/my/")
    audit(page, "dashboard (paid)")

    application = Application.objects.get(applicant=demo["citizen"])
    officer = browsing.page(**AXE_CONTEXT)
    officer_main = officer.get_by_role("main")
    sign_in_officer(officer, lo, demo["approver"])
    officer_main.get_by_role("link", name=lo("Applications to handle")).click()
    expect(officer_main.get_by_role("link", name=application.reference, exact=True)).to_be_visible()
    audit(officer, "back-office queue")
    officer_main.get_by_role("link", name=application.reference, exact=True).click()
    audit(officer, "back-office application")
    # Refusing needs a reason: the page comes back with the error.
    reject = officer_main.get_by_role("group", name=moves["reject"], exact=True)
    reject.get_by_role("button", name=moves["reject"], exact=True).click()
    expect(officer.get_by_role("alert")).to_be_visible()
    audit(officer, "back-office application with an error")
    officer_main.get_by_role("button", name=moves["start_review"], exact=True).click()
    officer_main.get_by_role("button", name=moves["approve"], exact=True).click()
    expect(officer.locator(".messages")).to_contain_text(lao("Done: %(action)s.", action=moves["approve"]))
    audit(officer, "back-office application (approved)")

    page.goto(f"/services/applications/{application.public_id}/status/")
    expect(main.get_by_role("link", name=lo("Download your document"))).to_be_visible()
    audit(page, "status (approved)")
    page.goto("/documents/")
    audit(page, "documents list")
    page.goto("/services/my/")
    audit(page, "dashboard (approved)")

    document = Document.objects.get(holder=demo["citizen"])
    visitor = browsing.page(**AXE_CONTEXT)
    visitor.goto("/verify/")
    audit(visitor, "verify")
    visitor.goto(f"/verify/?c={document.payload}")
    expect(visitor.get_by_role("status").get_by_role("heading")).to_have_text(lo("Valid document"))
    audit(visitor, "verify (valid)")
    visitor.goto(f"/verify/?c={tampered(document.payload)}")
    expect(visitor.get_by_role("status").get_by_role("heading")).to_have_text(lo("Not a valid document"))
    audit(visitor, "verify (not valid)")
    visitor.get_by_role("main").get_by_role("link", name=lo("Verify another code or compare a PDF file")).click()
    visitor.get_by_role("main").get_by_role("button", name=lo("Verify"), exact=True).click()
    expect(visitor.get_by_role("alert")).to_be_visible()
    audit(visitor, "verify with an error")

    axe.assert_clean()
