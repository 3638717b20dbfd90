"""Civil society in the browser: an association registered online (the citizen applies, the registering office and
the line ministry of its sector decide), then found in the public register with a certificate anyone can verify;
public consultation (a comment on an article, "you said, we did" and what changed); and axe-core on the register,
the association's own pages, consultations and the coordination pages.

The demo data (elaos.demo.data) gives the people, the catalogue, the register, the consultations and the sector
groups. The intermediate steps of the registration (start review, ask the line ministry, its opinion) are taken
with elaos.services.services.application_act to keep the test short; the final approval is clicked in the back
office by an approver of the Department of Associations and Foundations ("moha-npa")."""

import re
import time
from typing import Any

import pytest
from django.core.files.storage import FileSystemStorage
from django.utils import translation
from playwright.sync_api import Page, expect

from conftest import STAFF_PASSWORD, confirmed_totp, staff_with_role, totp_now
from elaos.accounts.models import User
from elaos.agencies.models import Organisation
from elaos.civil_society.models import Npa
from elaos.consultation.demo import CLOSED_SLUG, OPEN_SLUG
from elaos.consultation.models import Comment, Draft
from elaos.demo.data import load_demo
from elaos.documents import payload as document_payload
from elaos.documents.models import Document
from elaos.documents.selectors import REASON_MESSAGES
from elaos.services.definition import DEFINITIONS_DIR, load_file, resolve_workflow
from elaos.services.models import Application, ApplicationFile
from elaos.services.services import application_act

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SERVICE = "npa-registration"
CITIZEN_PHONE, CITIZEN_TYPED = "+8562055550101", "020 5555 0101"
TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
NPA_NAME_LO = "ສະມາຄົມສົ່ງເສີມສຸຂະພາບຊຸມຊົນບ້ານໂພນ"
ANSWERS = {
    "name_lo": NPA_NAME_LO,
    "name_en": "Ban Phone Community Health Association",
    "founding_members": "12",
    "objectives": "ສົ່ງເສີມສຸຂະພາບແມ່ ແລະ ເດັກ ແລະ ການອະນາໄມໃນຊຸມຊົນບ້ານໂພນ.",
    "head_office_address": "ບ້ານໂພນ, ເມືອງຈັນທະບູລີ, ນະຄອນຫຼວງວຽງຈັນ",
    "founders": "president: ບຸນທະວີ ສີສຸພັນ / Bounthavy Sisouphanh\nsecretary: ນາງ ແສງດາວ ພົມມະຈັນ",
}
# The demo sector "health", whose line ministry is the Ministry of Health ("moh").
SELECTS = {"level": "national", "association_type": "social", "line_ministry": "health"}
AXE_CONTEXT = {"bypass_csp": True}
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}
PATH_END = r"(\?.*)?(#.*)?$"


def url(path: str) -> re.Pattern[str]:
    return re.compile(re.escape(path) + PATH_END)


def lao(template: str, **values: Any) -> str:
    with translation.override("lo"):
        return translation.gettext(template) % values


@pytest.fixture
def demo(tmp_path, monkeypatch) -> dict[str, Any]:  # type: ignore[no-untyped-def]
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
        "citizen": User.objects.get(phone=CITIZEN_PHONE),
    }


def sign_in_citizen(page: Page, lo) -> None:  # type: ignore[no-untyped-def]
    from e2e.conftest import _newest_sms_code

    page.goto("/accounts/sign-in/")
    page.get_by_label(lo("Mobile number")).fill(CITIZEN_TYPED)
    page.get_by_role("main").get_by_role("button", name=lo("Send me a code")).click()
    expect(page).to_have_url(url("/accounts/code/"))
    page.get_by_label(lo("Code from the SMS")).fill(_newest_sms_code(CITIZEN_PHONE))
    page.get_by_role("main").get_by_role("button", name=lo("Continue")).click()
    expect(page).to_have_url(url("/accounts/profile/"))


def sign_in_officer(page: Page, lo, officer: User) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/sign-in/email/")
    page.get_by_label(lo("E-mail")).fill(officer.email)
    page.get_by_label(lo("Password")).fill(STAFF_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=lo("Sign in")).click()
    page.get_by_role("banner").get_by_role("navigation").get_by_role("link", name=lo("Back office"), exact=True).click()
    expect(page).to_have_url(url("/accounts/second-factor/"))
    device = officer.totpdevice_set.get()
    page.get_by_label(lo("Code from your authenticator app, or a recovery code")).fill(totp_now(device))
    page.get_by_role("main").get_by_role("button", name=lo("Continue")).click()
    expect(page).to_have_url(url("/backoffice/"))


def officer(role: str, office_code: str) -> User:
    user = staff_with_role(role, Organisation.objects.get(code=office_code))
    confirmed_totp(user)
    return user


def test_association_registered_online_enters_the_register_with_a_verifiable_certificate(  # type: ignore[no-untyped-def]
    browsing, demo, lo
) -> None:
    started = time.monotonic()
    definition, states, moves = demo["definition"], demo["states"], demo["moves"]
    reviewer = officer("reviewer", "moha-npa")
    approver = officer("approver", "moha-npa")
    ministry_approver = officer("approver", "moh")

    # The citizen applies for the founding committee.
    page = browsing.page()
    main = page.get_by_role("main")
    sign_in_citizen(page, lo)
    page.goto(f"/services/{SERVICE}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(definition["name_lo"])
    main.get_by_role("button", name=lo("Apply online")).click()
    expect(page).to_have_url(re.compile(r"/services/applications/[0-9a-f-]{36}/$"))
    ui = definition["form"]["ui"]
    for name, value in ANSWERS.items():
        # Optional fields say so after the label.
        page.get_by_label(re.compile("^" + re.escape(ui[name]["label_lo"]))).fill(value)
    for name, value in SELECTS.items():
        page.get_by_label(ui[name]["label_lo"], exact=True).select_option(value)
    for spec in definition["documents"]:
        if spec["required"]:
            page.get_by_label(spec["name_lo"], exact=True).set_input_files(
                {"name": f"{spec['code']}.pdf", "mimeType": "application/pdf", "buffer": TINY_PDF}
            )
    main.get_by_role("button", name=lo("Submit"), exact=True).click()

    application = Application.objects.get(applicant=demo["citizen"], service_version__service__code=SERVICE)
    status_path = f"/services/applications/{application.public_id}/status/"
    expect(page).to_have_url(url(status_path))
    expect(main.locator(".state-label")).to_have_text(states["submitted"])
    assert application.office.code == "moha-npa"

    # Review and the line ministry's opinion, through the services layer (kept short).
    application = application_act(actor=reviewer, application=application, transition="start_review")
    application = application_act(actor=reviewer, application=application, transition="request_opinion")
    assert application.state == "line_ministry_opinion"
    # The workflow hands the opinion to the Ministry of Health, then back to the registering office.
    assert application.workflow.office.code == "moh", "the opinion is asked of the Ministry of Health"
    application = application_act(
        actor=ministry_approver,
        application=application,
        transition="give_opinion",
        reason="ກະຊວງສາທາລະນະສຸກເຫັນດີ",
    )
    assert application.state == "decision"
    assert application.workflow.office.code == "moha-npa"

    # The registering office's approver decides in the back office.
    officer_page = browsing.page()
    officer_main = officer_page.get_by_role("main")
    sign_in_officer(officer_page, lo, approver)
    officer_main.get_by_role("link", name=lo("Applications to handle")).click()
    expect(officer_page).to_have_url(url("/backoffice/services/queue/"))
    officer_main.get_by_role("link", name=application.reference, exact=True).click()
    expect(officer_page.get_by_role("heading", level=1)).to_contain_text(application.reference)
    expect(officer_main).to_contain_text(NPA_NAME_LO)
    officer_main.get_by_role("group", name=moves["approve"], exact=True).get_by_role(
        "button", name=moves["approve"], exact=True
    ).click()
    expect(officer_page.locator(".messages")).to_contain_text(lao("Done: %(action)s.", action=moves["approve"]))
    application.refresh_from_db()
    assert application.state == "approved"
    npa = Npa.objects.get(source_application_id=application.public_id)
    assert (npa.name_lo, npa.level, npa.sector.code) == (NPA_NAME_LO, "national", "health")
    assert [(o.role, o.name_latin) for o in npa.officers.all()] == [
        ("president", "Bounthavy Sisouphanh"),
        ("secretary", ""),
    ], "the founders are its officers"

    # The citizen sees the decision and the certificate.
    page.goto(status_path)
    expect(main.locator(".state-label")).to_have_text(states["approved"])
    expect(main.get_by_role("link", name=lo("Download your document"))).to_be_visible()

    # Anyone finds it in the public register, by its Lao name, and opens its profile.
    visitor = browsing.page()
    visitor_main = visitor.get_by_role("main")
    visitor.goto("/npas/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text(lo("Register of non-profit associations"))
    search = visitor_main.get_by_role("search")
    search.get_by_label(lo("Search the register")).fill(NPA_NAME_LO)
    search.get_by_role("button", name=lo("Search"), exact=True).click()
    expect(visitor).to_have_url(re.compile(r"/npas/\?q="))
    visitor_main.get_by_role("link", name=NPA_NAME_LO).click()
    expect(visitor).to_have_url(url(f"/npas/{npa.registration_number}/"))
    expect(visitor.get_by_role("heading", level=1)).to_contain_text(NPA_NAME_LO)
    expect(visitor_main).to_contain_text(npa.registration_number)

    # The certificate's code verifies.
    document = Document.objects.get(public_id=application.document_id)
    assert document.holder == demo["citizen"]
    visitor.goto(f"/verify/?c={document.payload}")
    result = visitor_main.get_by_role("status")
    expect(result.get_by_role("heading")).to_have_text(lo("Valid document"))
    expect(result).to_contain_text(lo(REASON_MESSAGES[document_payload.Reason.OK]))
    expect(result).to_contain_text(demo["citizen"].get_full_name())

    elapsed = time.monotonic() - started
    print(f"NPA registration journey: {elapsed:.1f} s")


def test_citizen_comments_on_an_article_and_reads_you_said_we_did(browsing, demo, lo) -> None:  # type: ignore[no-untyped-def]
    open_draft = Draft.objects.get(slug=OPEN_SLUG)
    text = "ເຫັນດີກັບການຍື່ນຄຳຮ້ອງທາງອອນລາຍ, ຈະຊ່ວຍປະຫຍັດເວລາ."

    page = browsing.page()
    main = page.get_by_role("main")
    sign_in_citizen(page, lo)
    page.goto("/consultations/")
    expect(page.get_by_role("heading", level=1)).to_have_text(lo("Public consultations"))
    main.get_by_role("link", name=open_draft.title_lo, exact=True).click()
    expect(page).to_have_url(url(f"/consultations/{OPEN_SLUG}/"))
    article = main.locator("#article-1")
    article.get_by_role("radio", name=lo("Support"), exact=True).check()
    article.get_by_label(lao("Your comment on article %(number)s", number=1), exact=True).fill(text)
    article.get_by_role("button", name=lo("Send comment")).click()
    expect(page.locator(".messages")).to_contain_text(lo("Thank you. Your comment is published."))
    comment = Comment.objects.get(text=text)
    assert comment.stance == Comment.Stance.SUPPORT
    published = main.locator(f"#article-1 #comment-{comment.public_id}")
    expect(published).to_contain_text(text)
    expect(published).to_contain_text(lo("Support"))

    # The closed consultation: the agency's answers, and what changed in the next version.
    closed = Draft.objects.get(slug=CLOSED_SLUG)
    page.goto(f"/consultations/{CLOSED_SLUG}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(closed.title_lo)
    expect(main.get_by_role("heading", name=lo("You said, we did")).first).to_be_visible()
    page.goto(f"/consultations/{CLOSED_SLUG}/diff/?from=1&to=2")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        lao("What changed from version %(before)s to version %(after)s", before=1, after=2)
    )


def test_the_agency_publishes_its_response_through_the_staff_pages(browsing, demo, axe, lo) -> None:  # type: ignore[no-untyped-def]
    closed = Draft.objects.get(slug=CLOSED_SLUG)
    admin = officer("office_admin", closed.agency.code)
    answer = "ພວກເຮົາໄດ້ເພີ່ມໄລຍະເວລາ 5 ວັນລັດຖະການ ຕາມຄຳເຫັນ."

    page = browsing.page(**AXE_CONTEXT)
    sign_in_officer(page, lo, admin)
    page.goto(f"/consultations/manage/{CLOSED_SLUG}/responses/")
    expect(page.get_by_role("heading", level=1)).to_have_text(lo("Responses"))
    axe(page, "consultation responses (staff)")
    main = page.get_by_role("main")
    main.locator("select[name=article]").select_option(index=1)
    main.locator("textarea[name=text_lo]").fill(answer)
    main.get_by_role("button", name=lo("Publish the response")).click()
    expect(page.locator(".messages")).to_contain_text(lo("The response is published."))

    # The public page shows it under "You said, we did".
    page.goto(f"/consultations/{CLOSED_SLUG}/")
    expect(page.get_by_role("main")).to_contain_text(answer)
    axe.assert_clean()


def test_civil_society_pages_have_no_axe_violations(browsing, demo, axe, lo) -> None:  # type: ignore[no-untyped-def]
    def audit(on: Page, label: str) -> None:
        for name, size in VIEWPORTS.items():
            on.set_viewport_size(size)
            axe(on, f"{label} ({name})")

    # An association with a finances chart: the first with annual reports.
    with_chart = Npa.objects.filter(annual_reports__isnull=False).order_by("registration_number").distinct().first()
    assert with_chart is not None

    visitor = browsing.page(**AXE_CONTEXT)
    for path, label in [
        ("/npas/", "register"),
        (f"/npas/{with_chart.registration_number}/", "NPA profile"),
        ("/npas/dashboard/", "NPA dashboard"),
        ("/consultations/", "consultations"),
        (f"/consultations/{OPEN_SLUG}/", "open consultation"),
        (f"/consultations/{CLOSED_SLUG}/diff/?from=1&to=2", "diff"),
        ("/coordination/groups/", "sector groups"),
        ("/coordination/groups/health/", "health sector group"),
        ("/coordination/meetings/", "annual meetings"),
        ("/coordination/meetings/2025/", "2025 meeting"),
    ]:
        response = visitor.goto(path)
        assert response is not None, path
        assert response.ok, f"{path}: {response.status}"
        if label == "NPA profile":
            expect(visitor.locator(".npa-chart svg")).to_be_visible()
        audit(visitor, label)

    page = browsing.page(**AXE_CONTEXT)
    sign_in_citizen(page, lo)
    page.goto("/npas/my/")
    expect(page.get_by_role("heading", level=1)).to_have_text(lo("My associations"))
    audit(page, "my associations")
    page.get_by_role("main").locator("a[href*='/reports/']").first.click()
    expect(page).to_have_url(re.compile(r"/npas/[^/]+/reports/\d{4}/$"))
    audit(page, "annual report form")

    axe.assert_clean()
