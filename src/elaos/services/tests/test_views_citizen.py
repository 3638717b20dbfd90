import re
import uuid
from typing import Any

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from elaos.accounts.models import User
from elaos.agencies.models import Organisation
from elaos.notifications.models import Message
from elaos.services import selectors, services
from elaos.services.models import Application, ApplicationFile, Service
from elaos.workflows.models import WorkflowTransition

pytestmark = pytest.mark.django_db

EN = {"accept-language": "en"}
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
VALID = {"address": "ບ້ານສີສະຫວາດ, ຈັນທະບູລີ", "moved_in": "2020-05-01", "purpose": "work", "household_size": "4"}


def residence_definition(*, agency: str, offices: list[str], paid: bool = False, **overrides: Any) -> dict:
    """A residence certificate: a required address, a date, a choice and a number, and one required PDF."""
    definition = {
        "code": "residence-proof-paid" if paid else "residence-proof",
        "agency": agency,
        "offices": offices,
        "categories": ["identity"],
        "life_events": ["moving-house"],
        "name_lo": "ໃບຢັ້ງຢືນທີ່ຢູ່ອາໄສ" + (" ດ່ວນ" if paid else ""),
        "name_en": "Proof of residence" + (" (express)" if paid else ""),
        "summary_lo": "ຢັ້ງຢືນວ່າທ່ານອາໄສຢູ່ບ້ານໃດ",
        "summary_en": "Shows in which village you live",
        "description_lo": "ໃຊ້ສຳລັບສະໝັກວຽກ",
        "description_en": "Used for job applications",
        "eligibility_lo": "ພົນລະເມືອງລາວ",
        "eligibility_en": "Lao citizens living in the district",
        "legal_basis_lo": "ກົດໝາຍວ່າດ້ວຍທະບຽນຄອບຄົວ",
        "legal_basis_en": "Law on Family Registration",
        "sla_days": 5,
        "channels": ["online", "office"],
        "fees": (
            [{"code": "standard", "name_lo": "ຄ່າທຳນຽມ", "name_en": "Standard fee", "amount_kip": 20000}] if paid else []
        ),
        "documents": [
            {
                "code": "id_card",
                "name_lo": "ບັດປະຈຳຕົວ",
                "name_en": "Identity card",
                "required": True,
                "types": ["pdf"],
                "max_mb": 1,
            }
        ],
        "form": {
            "schema": {
                "type": "object",
                "required": ["address", "moved_in", "purpose"],
                "properties": {
                    "address": {"type": "string", "maxLength": 200},
                    "moved_in": {"type": "string", "format": "date"},
                    "purpose": {"type": "string", "enum": ["work", "study", "other"]},
                    "household_size": {"type": "integer", "minimum": 1, "maximum": 50},
                },
            },
            "ui": {
                "address": {"label_lo": "ທີ່ຢູ່", "label_en": "Address", "widget": "textarea", "order": 1},
                "moved_in": {"label_lo": "ວັນທີຍ້າຍເຂົ້າ", "label_en": "Date you moved in", "order": 2},
                "purpose": {
                    "label_lo": "ຈຸດປະສົງ",
                    "label_en": "Purpose",
                    "order": 3,
                    "choices": [
                        {"value": "work", "label_lo": "ວຽກ", "label_en": "Work"},
                        {"value": "study", "label_lo": "ຮຽນ", "label_en": "Study"},
                    ],
                },
                "household_size": {
                    "label_lo": "ຈຳນວນຄົນໃນຄອບຄົວ",
                    "label_en": "People in the household",
                    "help_lo": "ລວມທັງທ່ານ",
                    "help_en": "Yourself included",
                    "order": 4,
                },
            },
        },
        "workflow": "certificate-with-fee" if paid else "certificate-free",
        "output": {
            "type": "residence-proof",
            "title_lo": "ໃບຢັ້ງຢືນທີ່ຢູ່ອາໄສ",
            "title_en": "Proof of residence",
            "template": "services/documents/certificate.html",
            "fields": ["address", "purpose"],
        },
    }
    return {**definition, **overrides}


@pytest.fixture(autouse=True)
def _private_files(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(ApplicationFile._meta.get_field("file"), "storage", FileSystemStorage(location=tmp_path))


@pytest.fixture
def service(ministry: Organisation, district_office: Organisation) -> Service:
    definition = residence_definition(agency=ministry.code, offices=[district_office.code])
    return services.service_import(actor=None, definition=definition).service


@pytest.fixture
def paid_service(ministry: Organisation, district_office: Organisation) -> Service:
    pytest.importorskip("elaos.payments.services").payment_create  # noqa: B018 - the payments engine must exist
    definition = residence_definition(agency=ministry.code, offices=[district_office.code], paid=True)
    return services.service_import(actor=None, definition=definition).service


@pytest.fixture
def draft(service: Service, citizen: User) -> Application:
    return services.application_create(applicant=citizen, service=service)


@pytest.fixture
def citizen_client(client: Client, citizen: User) -> Client:
    client.force_login(citizen)
    return client


@pytest.fixture
def other_client(other_citizen: User) -> Client:
    client = Client()
    client.force_login(other_citizen)
    return client


def edit_url(application: Application) -> str:
    return f"/services/applications/{application.public_id}/"


def status_url(application: Application) -> str:
    return f"/services/applications/{application.public_id}/status/"


def pdf(name: str = "ບັດປະຈຳຕົວ.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def submit(client: Client, application: Application, **extra: Any):  # type: ignore[no-untyped-def]
    data = {**VALID, "document-id_card": pdf(), "action": "submit", **extra}
    return client.post(edit_url(application), data, headers=EN)


def refreshed(application: Application) -> Application:
    application.refresh_from_db()
    return application


def error_of(html: str, auto_id: str) -> str:
    found = re.search(rf'<div class="error" id="{auto_id}_error">(.*?)</div>', html, re.S)
    assert found, f"no error shown for {auto_id}"
    return found.group(1)


# The catalogue


def test_the_catalogue_lists_published_services(client: Client, service: Service) -> None:
    response = client.get("/services/", headers=EN)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/services/residence-proof/"' in html
    assert "Proof of residence" in html
    assert "Shows in which village you live" in html
    assert "Free" in html
    assert "5 working days" in html
    assert '<form method="get" action="/services/"' in html
    assert '<html lang="en">' in html


def test_the_catalogue_is_in_lao_by_default(client: Client, service: Service) -> None:
    html = client.get("/services/").content.decode()

    assert "ໃບຢັ້ງຢືນທີ່ຢູ່ອາໄສ" in html
    assert '<html lang="lo">' in html


@pytest.fixture
def job_service(ministry: Organisation, district_office: Organisation) -> Service:
    definition = residence_definition(
        agency=ministry.code,
        offices=[district_office.code],
        code="work-record",
        name_lo="ໃບຢັ້ງຢືນການເຮັດວຽກ",
        name_en="Work record",
        categories=["work"],
        life_events=["applying-for-job"],
    )
    return services.service_import(actor=None, definition=definition).service


@pytest.mark.parametrize(
    ("query", "listed", "not_listed"),
    [
        ("life_event=moving-house", "residence-proof", "work-record"),
        ("category=work", "work-record", "residence-proof"),
        ("category=identity&life_event=moving-house", "residence-proof", "work-record"),
    ],
)
def test_the_catalogue_filters(
    client: Client, service: Service, job_service: Service, query: str, listed: str, not_listed: str
) -> None:
    html = client.get(f"/services/?{query}", headers=EN).content.decode()

    assert f'href="/services/{listed}/"' in html
    assert f'href="/services/{not_listed}/"' not in html
    assert "1 service" in html


def test_the_catalogue_filters_by_agency_and_ignores_unknown_values(
    client: Client, service: Service, job_service: Service, ministry: Organisation
) -> None:
    by_agency = client.get(f"/services/?agency={ministry.code}", headers=EN).content.decode()
    unknown = client.get("/services/?agency=nobody&category=nothing", headers=EN)

    assert "2 services" in by_agency
    assert unknown.status_code == 200
    assert "2 services" in unknown.content.decode()


def test_a_lao_search_finds_the_service(client: Client, service: Service, job_service: Service) -> None:
    pytest.importorskip("elaos.search.selectors").search  # noqa: B018 - the search engine must exist

    html = client.get("/services/", {"q": "ທີ່ຢູ່ອາໄສ"}, headers=EN).content.decode()
    nothing = client.get("/services/", {"q": "ຍົນອະວະກາດ"}, headers=EN).content.decode()

    assert 'href="/services/residence-proof/"' in html
    assert 'href="/services/work-record/"' not in html
    assert 'value="ທີ່ຢູ່ອາໄສ"' in html
    assert "No service matches" in nothing


# A service


def test_the_service_page_says_what_the_service_asks_and_costs(client: Client, paid_service: Service) -> None:
    response = client.get("/services/residence-proof-paid/", headers=EN)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Proof of residence (express)</h1>" in html
    for text in (
        "Shows in which village you live",
        "Used for job applications",
        "Lao citizens living in the district",
        "Law on Family Registration",
        "₭20,000",
        "Standard fee",
        "5 working days",
        "Identity card (PDF)",
        "Online, At the office",
        "Labour",
    ):
        assert text in html, text
    assert '<form method="post" action="/services/residence-proof-paid/apply/">' in html


def test_the_service_page_in_lao_formats_kip_the_lao_way(client: Client, paid_service: Service) -> None:
    html = client.get("/services/residence-proof-paid/").content.decode()

    assert "₭20.000" in html
    assert "ໃບຢັ້ງຢືນທີ່ຢູ່ອາໄສ ດ່ວນ" in html


def test_an_unknown_service_is_a_404(client: Client, service: Service) -> None:
    assert client.get("/services/no-such-service/").status_code == 404
    assert client.post("/services/no-such-service/apply/").status_code == 404


# Starting an application


def test_applying_asks_to_sign_in_first(client: Client, service: Service) -> None:
    response = client.post("/services/residence-proof/apply/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/?next=/services/residence-proof/"
    assert not Application.objects.exists()


def test_applying_starts_a_draft_and_opens_its_form(citizen_client: Client, service: Service, citizen: User) -> None:
    assert citizen_client.get("/services/residence-proof/apply/").status_code == 405

    response = citizen_client.post("/services/residence-proof/apply/")

    application = Application.objects.get()
    assert application.applicant == citizen
    assert application.state == "draft"
    assert response.status_code == 302
    assert response["Location"] == edit_url(application)


def test_the_form_is_drawn_from_the_service_definition(citizen_client: Client, draft: Application) -> None:
    response = citizen_client.get(edit_url(draft), headers=EN)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<form method="post" enctype="multipart/form-data" novalidate' in html
    assert re.search(r'<textarea name="address"[^>]*aria-required="true"', html)
    assert re.search(r'<input type="date" name="moved_in"', html)
    assert re.search(r'<select name="purpose"', html)
    assert '<option value="work">Work</option>' in html
    assert '<option value="other">other</option>' in html
    assert re.search(r'<input type="text" name="household_size"[^>]*inputmode="numeric"', html)
    assert re.search(r'aria-describedby="id_household_size_helptext"', html)
    assert "Yourself included" in html
    assert re.search(r"People in the household <span class=\"optional\">", html)
    assert re.search(r'<input type="file" name="document-id_card"[^>]*accept=".pdf"', html)
    assert "PDF, at most 1 MB." in html
    assert "<legend>Your answers</legend>" in html
    assert 'name="action" value="save"' in html
    assert 'name="action" value="submit"' in html
    # Labels follow the page order of the definition (ui "order").
    assert html.index('for="id_address"') < html.index('for="id_moved_in"') < html.index('for="id_purpose"')


def test_the_form_speaks_lao_by_default(citizen_client: Client, draft: Application) -> None:
    html = citizen_client.get(edit_url(draft)).content.decode()

    assert ">ທີ່ຢູ່" in html
    assert '<option value="work">ວຽກ</option>' in html
    assert "ລວມທັງທ່ານ" in html


# Nobody else's application


def test_another_persons_application_is_a_404(
    other_client: Client, draft: Application, citizen: User, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    stored = services.application_upload(actor=citizen, application=draft, requirement="id_card", upload=pdf())
    file_url = f"{edit_url(draft)}files/{stored.public_id}/"

    assert other_client.get(edit_url(draft)).status_code == 404
    assert other_client.post(edit_url(draft), {**VALID, "action": "submit"}).status_code == 404
    assert other_client.get(status_url(draft)).status_code == 404
    assert other_client.post(status_url(draft), {"action": "withdraw"}).status_code == 404
    assert other_client.get(file_url).status_code == 404
    assert refreshed(draft).data == {}
    assert refreshed(draft).state == "draft"


def test_signed_out_visitors_are_sent_to_sign_in(client: Client, draft: Application) -> None:
    for url in (edit_url(draft), status_url(draft), "/services/my/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/sign-in/?next=")


# Saving a draft


def test_saving_keeps_everything_typed_even_what_is_not_valid(citizen_client: Client, draft: Application) -> None:
    response = citizen_client.post(
        edit_url(draft),
        {"address": "ບ້ານໂພນໄຊ", "moved_in": "last spring", "purpose": "", "household_size": "many", "action": "save"},
        headers=EN,
    )

    assert response.status_code == 302
    assert response["Location"] == edit_url(draft)
    assert refreshed(draft).data == {"address": "ບ້ານໂພນໄຊ", "moved_in": "last spring", "household_size": "many"}
    assert refreshed(draft).state == "draft"

    page = citizen_client.get(edit_url(draft), headers=EN)

    html = page.content.decode()
    assert page.status_code == 200
    assert "Your draft is saved." in html
    assert 'value="many"' in html
    assert "Enter a whole number." in error_of(html, "id_household_size")
    assert 'value="last spring"' in html
    assert "ບ້ານໂພນໄຊ</textarea>" in html
    assert 'href="#id_household_size"' in html


def test_saving_reads_lao_digits_and_keeps_valid_values_as_json(citizen_client: Client, draft: Application) -> None:
    citizen_client.post(edit_url(draft), {**VALID, "household_size": "໔", "action": "save"})

    assert refreshed(draft).data == {
        "address": VALID["address"],
        "moved_in": "2020-05-01",
        "purpose": "work",
        "household_size": 4,
    }


# Submitting


def test_submitting_with_missing_answers_shows_each_error_in_place(citizen_client: Client, draft: Application) -> None:
    response = citizen_client.post(edit_url(draft), {"address": "ບ້ານໂພນໄຊ", "action": "submit"}, headers=EN)

    html = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in error_of(html, "id_moved_in")
    assert "This field is required." in error_of(html, "id_purpose")
    assert "This document is required." in error_of(html, "id_document-id_card")
    assert 'id="id_address_error"' not in html
    assert 'class="error-summary" role="alert"' in html
    assert 'href="#id_moved_in"' in html
    assert 'href="#id_document-id_card"' in html
    assert re.search(r'name="moved_in"[^>]*aria-invalid="true"', html)
    assert refreshed(draft).state == "draft"
    assert refreshed(draft).data == {"address": "ບ້ານໂພນໄຊ"}


def test_an_empty_answer_to_a_required_question_is_missing(citizen: User, draft: Application) -> None:
    services.application_save_draft(actor=citizen, application=draft, data={**VALID, "address": ""})

    errors = services.submission_errors(refreshed(draft))

    assert errors["address"] == ["This field is required."]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("scan.pdf", PNG, content_type="application/pdf"), "This kind of file is not accepted here"),
        (SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024), content_type="application/pdf"), "too large"),
        (SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf"), "The file is empty."),
    ],
    ids=["png-named-pdf", "too-large", "empty"],
)
def test_a_refused_file_is_explained_next_to_its_input_and_the_draft_is_kept(
    citizen_client: Client, draft: Application, upload: SimpleUploadedFile, message: str
) -> None:
    response = citizen_client.post(
        edit_url(draft), {**VALID, "document-id_card": upload, "action": "submit"}, headers=EN
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert message in error_of(html, "id_document-id_card")
    assert "Your draft is saved, but a file was not accepted." in html
    assert refreshed(draft).state == "draft"
    assert refreshed(draft).data["address"] == VALID["address"]
    assert not ApplicationFile.objects.exists()


def test_a_complete_application_is_sent_and_the_applicant_gets_an_sms(
    citizen_client: Client, draft: Application, citizen: User
) -> None:
    response = submit(citizen_client, draft)

    assert response.status_code == 302
    assert response["Location"] == status_url(draft)
    application = refreshed(draft)
    assert application.state == "submitted"
    assert application.submitted_at is not None
    assert application.files.get().original_name == "ບັດປະຈຳຕົວ.pdf"
    sms = Message.objects.get(channel=Message.Channel.SMS, to=citizen.phone)
    assert application.reference in sms.body

    page = citizen_client.get(status_url(draft), headers=EN).content.decode()
    assert "Your application is sent." in page
    assert "Submitted" in page


def test_a_double_submit_moves_the_application_once(citizen_client: Client, draft: Application) -> None:
    first = submit(citizen_client, draft)
    second = submit(citizen_client, draft)

    assert first["Location"] == second["Location"] == status_url(draft)
    assert WorkflowTransition.objects.filter(instance=refreshed(draft).workflow, transition="submit").count() == 1
    assert Message.objects.filter(channel=Message.Channel.SMS).count() == 1
    assert refreshed(draft).files.count() == 1


def test_a_sent_application_can_no_longer_be_edited(citizen_client: Client, draft: Application) -> None:
    submit(citizen_client, draft)

    response = citizen_client.get(edit_url(draft))

    assert response.status_code == 302
    assert response["Location"] == status_url(draft)


# Uploaded files


def test_the_applicant_downloads_their_own_file(citizen_client: Client, draft: Application, citizen: User) -> None:
    stored = services.application_upload(actor=citizen, application=draft, requirement="id_card", upload=pdf())
    url = f"{edit_url(draft)}files/{stored.public_id}/"
    assert f'href="{url}"' in citizen_client.get(edit_url(draft)).content.decode()

    response = citizen_client.get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_a_file_of_another_application_is_a_404(
    citizen_client: Client, draft: Application, service: Service, citizen: User
) -> None:
    other = services.application_create(applicant=citizen, service=service)
    stored = services.application_upload(actor=citizen, application=other, requirement="id_card", upload=pdf())

    assert citizen_client.get(f"{edit_url(draft)}files/{stored.public_id}/").status_code == 404


# The status page


@pytest.fixture
def sent(citizen_client: Client, draft: Application) -> Application:
    submit(citizen_client, draft)
    return refreshed(draft)


def test_the_status_page_shows_the_timeline(citizen_client: Client, sent: Application, officer: User) -> None:
    services.application_act(actor=officer, application=sent, transition="start_review")

    html = citizen_client.get(status_url(sent), headers=EN).content.decode()

    assert sent.reference in html
    assert '<span class="state-label">In review</span>' in html
    assert (
        html.index('<p class="timeline-state">Draft</p>')
        < html.index('<p class="timeline-state">Submitted</p>')
        < html.index('<p class="timeline-state">In review</p>')
    )
    assert "To be dealt with by" in html
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT', html)
    assert "Withdraw this application" not in html


def test_the_status_page_is_reused_until_the_application_moves(
    citizen_client: Client, sent: Application, officer: User, other_citizen: User
) -> None:
    citizen_client.get(status_url(sent), headers=EN)  # shows the "sent" message, sets the CSRF cookie
    first = citizen_client.get(status_url(sent), headers=EN)
    again = citizen_client.get(status_url(sent), headers=EN)
    assert again.context is None  # served from the cache
    assert again.content == first.content

    services.application_act(actor=officer, application=sent, transition="start_review")
    moved = citizen_client.get(status_url(sent), headers=EN)
    assert moved.context is not None
    assert '<span class="state-label">In review</span>' in moved.content.decode()

    other = Client()
    other.force_login(other_citizen)
    assert other.get(status_url(sent), headers=EN).status_code == 404


def test_the_status_page_names_states_in_lao_by_default(citizen_client: Client, sent: Application) -> None:
    html = citizen_client.get(status_url(sent)).content.decode()

    assert "ສົ່ງແລ້ວ" in html


def test_the_applicant_answers_when_the_office_asks_for_more(
    citizen_client: Client, sent: Application, officer: User
) -> None:
    services.application_act(actor=officer, application=sent, transition="start_review")
    services.application_act(actor=officer, application=sent, transition="request_info", reason="ກະລຸນາສົ່ງໜ້າທີສອງຂອງບັດ")

    page = citizen_client.get(status_url(sent), headers=EN).content.decode()
    assert "More information needed" in page
    assert "ກະລຸນາສົ່ງໜ້າທີສອງຂອງບັດ" in page
    assert '<textarea name="answer"' in page

    edit = citizen_client.get(edit_url(sent), headers=EN).content.decode()
    assert "Save changes" in edit
    assert 'value="submit"' not in edit

    empty = citizen_client.post(status_url(sent), {"action": "respond", "answer": "  "}, headers=EN)
    assert empty.status_code == 400
    assert "This field is required." in error_of(empty.content.decode(), "id_answer")
    assert refreshed(sent).state == "info_requested"

    answered = citizen_client.post(status_url(sent), {"action": "respond", "answer": "ສົ່ງແລ້ວ ຂອບໃຈ"}, headers=EN)

    assert answered.status_code == 302
    assert refreshed(sent).state == "in_review"
    page = citizen_client.get(status_url(sent), headers=EN).content.decode()
    assert "Your answer is sent to the office." in page
    assert "ສົ່ງແລ້ວ ຂອບໃຈ" in page
    assert '<textarea name="answer"' not in page

    stale = citizen_client.post(status_url(sent), {"action": "respond", "answer": ""}, headers=EN, follow=True)

    assert "This action is not possible in the current status." in stale.content.decode()
    assert WorkflowTransition.objects.filter(transition="respond").count() == 1


def test_a_refusal_shows_its_reason(citizen_client: Client, sent: Application, officer: User) -> None:
    services.application_act(actor=officer, application=sent, transition="reject", reason="ບໍ່ແມ່ນຜູ້ອາໄສໃນເມືອງນີ້")

    html = citizen_client.get(status_url(sent), headers=EN).content.decode()

    assert "Refused" in html
    assert "ບໍ່ແມ່ນຜູ້ອາໄສໃນເມືອງນີ້" in html
    assert "Decided on" in html


def test_an_approved_application_links_its_document(citizen_client: Client, sent: Application, officer: User) -> None:
    pytest.importorskip("elaos.documents.services").document_issue  # noqa: B018 - the documents engine must exist
    services.application_act(actor=officer, application=sent, transition="start_review")
    services.application_act(actor=officer, application=sent, transition="approve")

    application = refreshed(sent)
    html = citizen_client.get(status_url(sent), headers=EN).content.decode()
    dashboard = citizen_client.get("/services/my/", headers=EN).content.decode()

    assert application.state == "approved"
    assert application.document_id is not None
    assert f'href="/documents/{application.document_id}/download/"' in html
    assert "Download your document" in html
    assert f'href="/documents/{application.document_id}/download/"' in dashboard


# Withdrawing


def test_the_applicant_withdraws_a_draft(citizen_client: Client, draft: Application) -> None:
    page = citizen_client.get(status_url(draft), headers=EN).content.decode()
    assert 'name="action" value="withdraw"' in page

    response = citizen_client.post(status_url(draft), {"action": "withdraw"}, headers=EN)

    assert response.status_code == 302
    assert refreshed(draft).state == "withdrawn"
    assert refreshed(draft).decided_at is not None
    assert citizen_client.get(edit_url(draft))["Location"] == status_url(draft)
    again = citizen_client.post(status_url(draft), {"action": "withdraw"}, headers=EN, follow=True)
    assert "This action is not possible in the current status." in again.content.decode()
    assert WorkflowTransition.objects.filter(transition="withdraw").count() == 1


# The dashboard


def test_the_dashboard_lists_only_the_applicants_own_applications(
    citizen_client: Client, sent: Application, service: Service, other_citizen: User
) -> None:
    others = services.application_create(applicant=other_citizen, service=service)

    html = citizen_client.get("/services/my/", headers=EN).content.decode()

    assert sent.reference in html
    assert f'href="{status_url(sent)}"' in html
    assert "Submitted" in html
    assert "Proof of residence" in html
    assert others.reference not in html


def test_a_draft_on_the_dashboard_opens_its_form(citizen_client: Client, draft: Application) -> None:
    html = citizen_client.get("/services/my/", headers=EN).content.decode()

    assert f'href="{edit_url(draft)}"' in html
    assert "Draft" in html


# A paid service


def test_a_paid_service_asks_for_payment_after_submission(
    citizen_client: Client, paid_service: Service, citizen: User
) -> None:
    application = services.application_create(applicant=citizen, service=paid_service)

    submit(citizen_client, application)

    application = refreshed(application)
    assert application.state == "awaiting_payment"
    assert application.payment_id is not None
    html = citizen_client.get(status_url(application), headers=EN).content.decode()
    assert f'href="/payments/{application.payment_id}/"' in html
    assert "₭20,000" in html
    assert 'name="action" value="withdraw"' in html
    dashboard = citizen_client.get("/services/my/", headers=EN).content.decode()
    assert f'href="/payments/{application.payment_id}/"' in dashboard


def test_the_status_page_version_is_the_applicants_alone_and_moves_with_the_application(
    draft: Application, citizen: User, other_citizen: User
) -> None:
    version = selectors.application_page_version(citizen, draft.public_id)
    assert version is not None
    assert selectors.application_page_version(other_citizen, draft.public_id) is None
    assert selectors.application_page_version(citizen, "not-a-uuid") is None
    assert selectors.application_page_version(citizen, uuid.uuid4()) is None
    draft.state = "submitted"
    draft.save()
    assert selectors.application_page_version(citizen, str(draft.public_id)) not in (None, version)
    Application.objects.filter(pk=draft.pk).update(archived_at=timezone.now())
    assert selectors.application_page_version(citizen, draft.public_id) is None


def test_my_applications_page_version_moves_with_any_of_the_applicants_applications(
    draft: Application, service: Service, citizen: User, other_citizen: User
) -> None:
    version = selectors.applications_page_version(citizen)
    assert selectors.applications_page_version(other_citizen) != version
    draft.state = "submitted"
    draft.save()
    moved = selectors.applications_page_version(citizen)
    assert moved != version
    services.application_create(applicant=other_citizen, service=service)
    assert selectors.applications_page_version(citizen) == moved
    services.application_create(applicant=citizen, service=service)
    assert selectors.applications_page_version(citizen) != moved


def test_my_applications_shows_a_new_application_at_once(
    citizen_client: Client, service: Service, citizen: User
) -> None:
    assert "You have no applications yet." in citizen_client.get("/services/my/", headers=EN).content.decode()
    application = services.application_create(applicant=citizen, service=service)
    assert application.reference in citizen_client.get("/services/my/", headers=EN).content.decode()
