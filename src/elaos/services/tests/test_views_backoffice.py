import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import StaffFactory, confirmed_totp, staff_with_role, totp_now
from elaos.accounts.models import User
from elaos.agencies.models import Organisation
from elaos.services import services
from elaos.services.models import Application, ApplicationFile, ApplicationNote, Service
from elaos.workflows.models import WorkflowInstance
from elaos.workflows.services import workflow_claim

pytestmark = pytest.mark.django_db

QUEUE = "/backoffice/services/queue/"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def detail_url(application: Application) -> str:
    return f"/backoffice/services/applications/{application.public_id}/"


def verified_client(user: User) -> Client:
    """A client signed in as a staff member who has passed the second factor."""
    client = Client()
    client.force_login(user)
    device = confirmed_totp(user)
    response = client.post("/accounts/second-factor/", {"token": totp_now(device)})
    assert response.status_code == 302, response.content
    return client


def act(client: Client, application: Application, transition: str, reason: str = "", version: int | None = None):  # type: ignore[no-untyped-def]
    application.workflow.refresh_from_db()
    expected = application.workflow.version if version is None else version
    return client.post(
        detail_url(application),
        {
            "action": "transition",
            "transition": transition,
            f"{transition}-reason": reason,
            f"{transition}-expected_version": str(expected),
        },
        headers={"accept-language": "en"},
    )


def state_of(application: Application) -> str:
    application.refresh_from_db()
    return application.state


@pytest.fixture
def other_office_officer(other_district_office: Organisation) -> User:
    """A reviewer too, but in another district office."""
    return staff_with_role("reviewer", other_district_office, email="other@gov.la", given_name_latin="Vilay")


@pytest.fixture
def colleague(district_office: Organisation) -> User:
    """A second reviewer in the officer's own office."""
    return staff_with_role("reviewer", district_office, email="colleague@gov.la", given_name_latin="Keo")


# The queue


def test_the_queue_lists_the_offices_open_applications(
    verified_officer_client: Client, submitted_certificate_application: Application, citizen: User
) -> None:
    response = verified_officer_client.get(QUEUE, headers={"accept-language": "en"})

    assert response.status_code == 200
    html = response.content.decode()
    assert submitted_certificate_application.reference in html
    assert detail_url(submitted_certificate_application) in html
    assert "Certificate of residence" in html
    assert citizen.get_full_name() in html
    assert "Submitted" in html
    assert "5 working days left" in html
    assert "Nobody yet" in html
    assert '<th scope="col">' in html


def test_the_queue_names_states_in_lao_by_default(
    verified_officer_client: Client, submitted_certificate_application: Application
) -> None:
    html = verified_officer_client.get(QUEUE, headers={"accept-language": "lo"}).content.decode()

    assert "ສົ່ງແລ້ວ" in html
    assert "ໃບຢັ້ງຢືນທີ່ຢູ່" in html


def test_a_queue_row_drawn_before_follows_a_claim_a_move_the_reader_and_the_language(
    verified_officer_client: Client, officer: User, colleague: User, submitted_certificate_application: Application
) -> None:
    application = submitted_certificate_application
    row = re.compile(rf"<tr>\s*<th scope=\"row\"><a [^>]*>{application.reference}</a>.*?</tr>", re.S)

    def queue_row(client: Client, language: str = "en") -> str:
        match = row.search(client.get(QUEUE, headers={"accept-language": language}).content.decode())
        assert match, "the application is not in the queue"
        return match.group(0)

    assert "Nobody yet" in queue_row(verified_officer_client)
    workflow_claim(instance=application.workflow, actor=officer)
    assert "<td>You</td>" in queue_row(verified_officer_client)
    colleague_row = queue_row(verified_client(colleague))
    assert officer.get_full_name() in colleague_row
    assert "You" not in colleague_row

    services.application_act(actor=officer, application=application, transition="start_review")
    assert "In review" in queue_row(verified_officer_client)
    assert "Submitted" not in queue_row(verified_officer_client)
    assert "ກຳລັງພິຈາລະນາ" in queue_row(verified_officer_client, "lo")


def test_an_overdue_application_says_so_in_words(
    verified_officer_client: Client, submitted_certificate_application: Application
) -> None:
    WorkflowInstance.objects.filter(pk=submitted_certificate_application.workflow_id).update(
        due_at=timezone.now() - datetime.timedelta(days=14)
    )

    html = verified_officer_client.get(QUEUE, headers={"accept-language": "en"}).content.decode()

    assert re.search(r'class="sla sla-overdue">\d+ working days overdue<', html)


def test_an_application_late_by_hours_is_overdue(
    verified_officer_client: Client, submitted_certificate_application: Application
) -> None:
    WorkflowInstance.objects.filter(pk=submitted_certificate_application.workflow_id).update(
        due_at=timezone.now() - datetime.timedelta(seconds=1)
    )

    html = verified_officer_client.get(QUEUE, headers={"accept-language": "en"}).content.decode()

    assert re.search(r'class="sla sla-overdue">(Overdue|1 working day overdue)<', html)


def test_drafts_and_finished_applications_are_not_in_the_queue(
    verified_officer_client: Client,
    officer: User,
    submitted_certificate_application: Application,
    certificate_service: Service,
    citizen: User,
) -> None:
    draft = services.application_create(applicant=citizen, service=certificate_service)
    finished = services.application_create(applicant=citizen, service=certificate_service)
    services.application_save_draft(actor=citizen, application=finished, data={"purpose": "x"})
    services.application_submit(actor=citizen, application=finished)
    services.application_act(actor=officer, application=finished, transition="reject", reason="Wrong village")

    html = verified_officer_client.get(QUEUE).content.decode()

    assert submitted_certificate_application.reference in html
    assert draft.reference not in html
    assert finished.reference not in html


def test_the_queue_filters_by_state_service_and_assignee(
    verified_officer_client: Client,
    officer: User,
    colleague: User,
    submitted_certificate_application: Application,
    certificate_service: Service,
    citizen: User,
) -> None:
    second = services.application_create(applicant=citizen, service=certificate_service)
    services.application_save_draft(actor=citizen, application=second, data={"purpose": "x"})
    services.application_submit(actor=citizen, application=second)
    services.application_act(actor=officer, application=second, transition="start_review")
    workflow_claim(instance=second.workflow, actor=officer)
    first = submitted_certificate_application.reference

    def listed(query: dict) -> set[str]:
        response = verified_officer_client.get(QUEUE, query)
        assert response.status_code == 200
        html = response.content.decode()
        return {ref for ref in (first, second.reference) if ref in html}

    assert listed({}) == {first, second.reference}
    assert listed({"state": "in_review"}) == {second.reference}
    assert listed({"state": "submitted"}) == {first}
    assert listed({"service": certificate_service.code}) == {first, second.reference}
    assert listed({"assigned": "me"}) == {second.reference}
    assert listed({"assigned": "none"}) == {first}
    assert verified_client(colleague).get(QUEUE, {"assigned": "me"}).content.decode().count(first) == 0


def test_an_unknown_filter_value_is_an_error_not_a_crash(
    verified_officer_client: Client, submitted_certificate_application: Application
) -> None:
    response = verified_officer_client.get(QUEUE, {"state": "nonsense"})

    assert response.status_code == 400
    assert "error-summary" in response.content.decode()


def test_the_queue_is_paginated_by_fifty(
    verified_officer_client: Client, certificate_service: Service, citizen: User
) -> None:
    for _n in range(51):
        application = services.application_create(applicant=citizen, service=certificate_service)
        services.application_save_draft(actor=citizen, application=application, data={"purpose": "x"})
        services.application_submit(actor=citizen, application=application)

    first = verified_officer_client.get(QUEUE, {"assigned": "none"}, headers={"accept-language": "en"})
    second = verified_officer_client.get(QUEUE, {"assigned": "none", "page": 2}, headers={"accept-language": "en"})

    assert first.content.decode().count('<th scope="row">') == 50
    assert "Page 1 of 2" in first.content.decode()
    assert "?assigned=none&amp;page=2" in first.content.decode()
    assert second.content.decode().count('<th scope="row">') == 1


def test_the_queue_costs_the_same_queries_however_long_it_is(
    verified_officer_client: Client, certificate_service: Service, citizen: User, officer: User
) -> None:
    def send() -> None:
        application = services.application_create(applicant=citizen, service=certificate_service)
        services.application_save_draft(actor=citizen, application=application, data={"purpose": "x"})
        services.application_submit(actor=citizen, application=application)
        workflow_claim(instance=application.workflow, actor=officer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert verified_officer_client.get(QUEUE).status_code == 200
        return len(captured)

    send()
    one = queries()
    for _n in range(5):
        send()

    assert queries() == one


def test_another_offices_reviewer_sees_nothing_of_it(
    other_office_officer: User, submitted_certificate_application: Application
) -> None:
    client = verified_client(other_office_officer)

    assert submitted_certificate_application.reference not in client.get(QUEUE).content.decode()
    assert client.get(detail_url(submitted_certificate_application)).status_code == 404
    assert act(client, submitted_certificate_application, "start_review").status_code == 404
    assert state_of(submitted_certificate_application) == "submitted"


def test_citizens_and_strangers_get_no_back_office(
    client: Client, citizen: User, submitted_certificate_application: Application
) -> None:
    anonymous = client.get(detail_url(submitted_certificate_application))
    assert anonymous.status_code == 302
    assert anonymous.url.startswith("/accounts/sign-in/")

    client.force_login(citizen)
    assert client.get(QUEUE).status_code == 404
    assert client.get(detail_url(submitted_certificate_application)).status_code == 404


def test_staff_without_the_second_factor_are_sent_to_it(
    client: Client, officer: User, submitted_certificate_application: Application
) -> None:
    client.force_login(officer)

    response = client.get(QUEUE)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/second-factor/")


# One application


def test_the_detail_shows_the_form_with_its_labels_and_the_history(
    verified_officer_client: Client, submitted_certificate_application: Application
) -> None:
    response = verified_officer_client.get(
        detail_url(submitted_certificate_application), headers={"accept-language": "en"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "<dt>Purpose</dt><dd>ສະໝັກວຽກ</dd>" in html
    assert "<dt>Urgent</dt>" in html
    assert "Submit" in html  # the history's first move
    assert "Start review" in html
    assert "Ask for more information" in html
    assert "Refuse" in html
    assert "Approve" not in html  # not from "submitted"
    assert 'name="start_review-expected_version" value="1"' in html
    assert "Take this application" in html


def test_start_review_moves_the_application(
    verified_officer_client: Client, submitted_certificate_application: Application
) -> None:
    response = act(verified_officer_client, submitted_certificate_application, "start_review")

    assert response.status_code == 302
    assert response.url == detail_url(submitted_certificate_application)
    assert state_of(submitted_certificate_application) == "in_review"
    page = verified_officer_client.get(response.url, headers={"accept-language": "en"}).content.decode()
    assert "Done: Start review." in page
    assert "In review" in page


def test_asking_for_information_needs_a_reason(
    verified_officer_client: Client, submitted_certificate_application: Application
) -> None:
    refused = act(verified_officer_client, submitted_certificate_application, "request_info", reason="  ")

    assert refused.status_code == 400
    assert "This field is required." in refused.content.decode()
    assert state_of(submitted_certificate_application) == "submitted"

    response = act(
        verified_officer_client, submitted_certificate_application, "request_info", reason="Send the village letter"
    )

    assert response.status_code == 302
    assert state_of(submitted_certificate_application) == "info_requested"
    history = submitted_certificate_application.workflow.history.order_by("id").last()
    assert history.reason == "Send the village letter"


def test_a_bad_decision_form_keeps_what_was_typed(
    verified_officer_client: Client, submitted_certificate_application: Application
) -> None:
    response = verified_officer_client.post(
        detail_url(submitted_certificate_application),
        {"action": "transition", "transition": "reject", "reject-reason": "Not resident <here>"},
    )

    assert response.status_code == 400
    assert "Not resident &lt;here&gt;</textarea>" in response.content.decode()
    assert state_of(submitted_certificate_application) == "submitted"


def test_approval_issues_the_document(
    verified_officer_client: Client, submitted_certificate_application: Application
) -> None:
    pytest.importorskip("elaos.documents.services", reason="the documents engine is not in the tree yet")
    assert act(verified_officer_client, submitted_certificate_application, "start_review").status_code == 302

    response = act(verified_officer_client, submitted_certificate_application, "approve")

    assert response.status_code == 302
    application = Application.objects.get(pk=submitted_certificate_application.pk)
    assert application.state == "approved"
    assert application.decided_at is not None
    assert application.document_id is not None
    page = verified_officer_client.get(detail_url(application), headers={"accept-language": "en"}).content.decode()
    assert "Approved" in page
    assert "Take this application" not in page
    assert 'name="action" value="transition"' not in page


def test_refusal_ends_the_application(
    verified_officer_client: Client, submitted_certificate_application: Application
) -> None:
    response = act(verified_officer_client, submitted_certificate_application, "reject", reason="Not resident here")

    assert response.status_code == 302
    application = Application.objects.get(pk=submitted_certificate_application.pk)
    assert application.state == "rejected"
    assert application.decided_at is not None
    assert application.document_id is None


def test_a_stale_page_gets_a_conflict_and_the_current_state(
    verified_officer_client: Client, colleague: User, submitted_certificate_application: Application
) -> None:
    stale_version = submitted_certificate_application.workflow.version
    assert act(verified_client(colleague), submitted_certificate_application, "start_review").status_code == 302

    response = act(
        verified_officer_client,
        submitted_certificate_application,
        "reject",
        reason="Not resident here",
        version=stale_version,
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this just now" in html
    assert "In review" in html
    assert 'name="approve-expected_version" value="2"' in html
    assert state_of(submitted_certificate_application) == "in_review"


def test_a_move_no_longer_possible_is_a_conflict(
    verified_officer_client: Client, submitted_certificate_application: Application
) -> None:
    act(verified_officer_client, submitted_certificate_application, "start_review")

    response = act(verified_officer_client, submitted_certificate_application, "start_review")

    assert response.status_code == 409
    assert "not possible in the current status" in response.content.decode()


def test_a_move_the_officer_may_not_make_is_a_404(
    verified_officer_client: Client, submitted_certificate_application: Application
) -> None:
    act(verified_officer_client, submitted_certificate_application, "request_info", reason="Which village?")

    response = act(verified_officer_client, submitted_certificate_application, "respond", reason="Ban Phonxay")

    assert response.status_code == 404  # the applicant's move, possible now, but never the officer's
    assert state_of(submitted_certificate_application) == "info_requested"


def test_claiming_twice_tells_the_second_officer(
    verified_officer_client: Client, officer: User, colleague: User, submitted_certificate_application: Application
) -> None:
    claim = {"action": "claim"}
    url = detail_url(submitted_certificate_application)

    first = verified_officer_client.post(url, claim)
    second = verified_client(colleague).post(url, claim, headers={"accept-language": "en"})

    assert first.status_code == 302
    assert second.status_code == 409
    assert "Another officer has already taken this." in second.content.decode()
    submitted_certificate_application.workflow.refresh_from_db()
    assert submitted_certificate_application.workflow.assigned_to == officer
    page = verified_officer_client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "Take this application" not in page


def test_notes_are_kept_and_shown_to_staff(
    verified_officer_client: Client, officer: User, submitted_certificate_application: Application
) -> None:
    url = detail_url(submitted_certificate_application)

    empty = verified_officer_client.post(url, {"action": "note", "text": "   "})
    added = verified_officer_client.post(url, {"action": "note", "text": "Phoned the village chief"})

    assert empty.status_code == 400
    assert added.status_code == 302
    note = ApplicationNote.objects.get(application=submitted_certificate_application)
    assert (note.author, note.text, note.internal) == (officer, "Phoned the village chief", True)
    assert "Phoned the village chief" in verified_officer_client.get(url).content.decode()


@pytest.mark.parametrize("writer", ["citizen", "other_office_officer"])
def test_only_staff_of_the_office_write_notes(
    request: pytest.FixtureRequest, writer: str, submitted_certificate_application: Application
) -> None:
    with pytest.raises(PermissionDenied):
        services.application_note_add(
            actor=request.getfixturevalue(writer), application=submitted_certificate_application, text="Hello"
        )

    assert not ApplicationNote.objects.exists()


def test_an_unknown_action_is_a_bad_request(
    verified_officer_client: Client, submitted_certificate_application: Application
) -> None:
    response = verified_officer_client.post(detail_url(submitted_certificate_application), {"action": "explode"})

    assert response.status_code == 400


# Uploaded files


@pytest.fixture
def application_with_file(  # type: ignore[no-untyped-def]
    certificate_service: Service, citizen: User, tmp_path, monkeypatch
):
    """A sent application carrying the applicant's ID card (stored in a temporary directory)."""
    monkeypatch.setattr(ApplicationFile._meta.get_field("file"), "storage", FileSystemStorage(location=tmp_path))
    application = services.application_create(applicant=citizen, service=certificate_service)
    services.application_save_draft(actor=citizen, application=application, data={"purpose": "x"})
    stored = services.application_upload(
        actor=citizen,
        application=application,
        requirement="id_card",
        upload=SimpleUploadedFile("ບັດ.pdf", PDF, content_type="application/pdf"),
    )
    services.application_submit(actor=citizen, application=application)
    return application, stored


def test_staff_of_the_office_download_uploaded_files(
    verified_officer_client: Client, application_with_file: tuple[Application, ApplicationFile]
) -> None:
    application, stored = application_with_file
    url = f"{detail_url(application)}files/{stored.public_id}/"
    assert url in verified_officer_client.get(detail_url(application)).content.decode()

    response = verified_officer_client.get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]


def test_uploaded_files_are_for_the_offices_staff_only(
    client: Client,
    citizen: User,
    other_office_officer: User,
    application_with_file: tuple[Application, ApplicationFile],
    submitted_certificate_application: Application,
    verified_officer_client: Client,
) -> None:
    application, stored = application_with_file
    url = f"{detail_url(application)}files/{stored.public_id}/"

    assert verified_client(other_office_officer).get(url).status_code == 404
    client.force_login(citizen)
    assert client.get(url).status_code == 404
    # A file id under another application of the same office is no way in either.
    assert (
        verified_officer_client.get(
            f"{detail_url(submitted_certificate_application)}files/{stored.public_id}/"
        ).status_code
        == 404
    )


def test_an_office_administrator_hands_the_application_to_an_officer(
    submitted_certificate_application, office_admin, officer
) -> None:  # type: ignore[no-untyped-def]
    client = Client(headers={"accept-language": "en"})
    client.force_login(office_admin)
    device = office_admin.totpdevice_set.first() or confirmed_totp(office_admin)
    assert client.post("/accounts/second-factor/", {"token": totp_now(device)}).status_code == 302
    url = f"/backoffice/services/applications/{submitted_certificate_application.public_id}/"
    page = client.get(url)
    assert f'value="{officer.public_id}"' in page.content.decode()

    response = client.post(url, {"action": "assign", "assignee": str(officer.public_id)})

    assert response.status_code == 302
    submitted_certificate_application.workflow.refresh_from_db()
    assert submitted_certificate_application.workflow.assigned_to == officer
    # Someone outside the office cannot be chosen.
    outsider = StaffFactory()
    refused = client.post(url, {"action": "assign", "assignee": str(outsider.public_id)})
    assert refused.status_code == 409
    submitted_certificate_application.workflow.refresh_from_db()
    assert submitted_certificate_application.workflow.assigned_to == officer


def test_officers_are_not_offered_the_assign_form(verified_officer_client, submitted_certificate_application) -> None:  # type: ignore[no-untyped-def]
    url = f"/backoffice/services/applications/{submitted_certificate_application.public_id}/"
    assert 'name="assignee"' not in verified_officer_client.get(url).content.decode()
    response = verified_officer_client.post(url, {"action": "assign", "assignee": "x"})
    assert response.status_code == 409
