import pytest
from django.conf import settings
from django.test import Client

from conftest import OrganisationFactory, certificate_service_definition
from elaos.accounts.models import User
from elaos.agencies.models import Organisation
from elaos.services import services
from elaos.services.models import Application, LifeEvent, Service

pytestmark = pytest.mark.django_db

SERVICES = "/api/v1/services"
APPLICATIONS = "/api/v1/applications"


def url(application: Application | str, suffix: str = "") -> str:
    public_id = application if isinstance(application, str) else application.public_id
    return f"{APPLICATIONS}/{public_id}{suffix}"


@pytest.fixture
def citizen_client(client: Client, citizen: User) -> Client:
    client.force_login(citizen)
    return client


@pytest.fixture
def draft(certificate_service: Service, citizen: User) -> Application:
    return services.application_create(applicant=citizen, service=certificate_service)


# The catalogue (public)


def test_anyone_lists_the_catalogue(client: Client, certificate_service: Service, ministry: Organisation) -> None:
    response = client.get(SERVICES)

    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "code": "residence-certificate",
                "name_lo": "ໃບຢັ້ງຢືນທີ່ຢູ່",
                "name_en": "Certificate of residence",
                "summary_lo": "ໃບຢັ້ງຢືນວ່າທ່ານອາໄສຢູ່ບ້ານໃດ",
                "summary_en": "Proves where you live",
                "agency": {"code": ministry.code, "name_lo": ministry.name_lo, "name_en": ministry.name_en},
                "fee_kip": 0,
                "sla_days": 5,
            }
        ],
        "count": 1,
    }


def test_the_catalogue_filters_by_agency_and_life_event(
    client: Client, certificate_service: Service, ministry: Organisation, district_office: Organisation
) -> None:
    other_ministry = OrganisationFactory(code="moha")
    moving = LifeEvent.objects.get(code="moving-house")
    definition = certificate_service_definition(agency=other_ministry.code, offices=[], code="house-registration") | {
        "life_events": [moving.code],
        "name_en": "House registration",
    }
    services.service_import(actor=None, definition=definition)

    def codes(query: dict) -> list[str]:
        return [s["code"] for s in client.get(SERVICES, query).json()["items"]]

    assert codes({}) == ["house-registration", "residence-certificate"]
    assert codes({"agency": ministry.code}) == ["residence-certificate"]
    assert codes({"agency": "moha"}) == ["house-registration"]
    assert codes({"life_event": "moving-house"}) == ["house-registration"]
    assert codes({"agency": "nobody"}) == []


def test_the_catalogue_searches_lao_text(client: Client, certificate_service: Service) -> None:
    response = client.get(SERVICES, {"q": "ໃບຢັ້ງຢືນ"})

    assert response.status_code == 200
    assert [s["code"] for s in response.json()["items"]] == ["residence-certificate"]
    assert client.get(SERVICES, {"q": "ກະສິກຳ"}).json()["items"] == []


def test_anyone_reads_one_service_without_its_internals(client: Client, certificate_service: Service) -> None:
    response = client.get(f"{SERVICES}/residence-certificate", headers={"accept-language": "en"})

    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 1
    assert body["legal_basis_en"] == "Law on Family Registration"
    assert body["fees"] == []
    assert body["documents"] == [
        {
            "code": "id_card",
            "name_lo": "ບັດປະຈຳຕົວ",
            "name_en": "ID card",
            "required": False,
            "types": ["pdf"],
            "max_mb": 5,
        }
    ]
    assert body["form_schema"]["required"] == ["purpose"]
    assert body["form_ui"]["purpose"]["label_en"] == "Purpose"
    assert body["channels"] == ["online", "office"]
    for internal in ("workflow", "offices", "output"):
        assert internal not in body


def test_an_unknown_service_is_a_404(client: Client, db: None) -> None:
    response = client.get(f"{SERVICES}/no-such-service")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# Applications (the applicant's own)


def test_anonymous_requests_about_applications_are_refused(
    client: Client, submitted_certificate_application: Application
) -> None:
    application = submitted_certificate_application
    for response in (
        client.get(APPLICATIONS),
        client.post(APPLICATIONS, {"service": "residence-certificate"}, content_type="application/json"),
        client.get(url(application)),
        client.patch(url(application), {"data": {}}, content_type="application/json"),
        client.post(url(application, "/submit")),
        client.get(url(application, "/documents")),
    ):
        assert response.status_code == 401
        assert response.json()["code"] == "unauthenticated"


def test_a_citizen_starts_an_application(citizen_client: Client, citizen: User, certificate_service: Service) -> None:
    response = citizen_client.post(
        APPLICATIONS,
        {"service": "residence-certificate"},
        content_type="application/json",
        headers={"accept-language": "en"},
    )

    assert response.status_code == 201
    body = response.json()
    application = Application.objects.get(public_id=body["id"])
    assert application.applicant == citizen
    assert body["reference"] == application.reference
    assert (body["state"], body["state_name"], body["editable"], body["finished"]) == ("draft", "Draft", True, False)
    assert body["submission_errors"] == {"purpose": ["This field is required."]}
    assert body["timeline"] == []


def test_starting_an_application_for_an_unknown_service_is_invalid(citizen_client: Client, db: None) -> None:
    response = citizen_client.post(APPLICATIONS, {"service": "nothing"}, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert "service" in response.json()["errors"]
    assert not Application.objects.exists()


def test_a_citizen_saves_submits_and_follows_an_application(citizen_client: Client, draft: Application) -> None:
    saved = citizen_client.patch(
        url(draft), {"data": {"purpose": "ສະໝັກວຽກ", "smuggled": "x"}}, content_type="application/json"
    )
    assert saved.status_code == 200
    assert saved.json()["data"] == {"purpose": "ສະໝັກວຽກ"}
    assert saved.json()["submission_errors"] == {}

    submitted = citizen_client.post(url(draft, "/submit"), headers={"accept-language": "en"})

    assert submitted.status_code == 200
    body = submitted.json()
    assert (body["state"], body["state_name"], body["editable"]) == ("submitted", "Submitted", False)
    assert body["submitted_at"] is not None
    assert [(e["transition"], e["to_state"], e["by"]) for e in body["timeline"]] == [
        ("submit", "submitted", "applicant")
    ]
    assert citizen_client.get(url(draft)).json() == citizen_client.get(url(draft)).json()


def test_submitting_twice_changes_nothing(
    citizen_client: Client, submitted_certificate_application: Application
) -> None:
    first = citizen_client.get(url(submitted_certificate_application)).json()

    again = citizen_client.post(url(submitted_certificate_application, "/submit"))

    assert again.status_code == 200
    assert again.json()["submitted_at"] == first["submitted_at"]
    assert len(again.json()["timeline"]) == 1


def test_an_incomplete_application_is_not_submitted(citizen_client: Client, draft: Application) -> None:
    response = citizen_client.post(url(draft, "/submit"), headers={"accept-language": "en"})

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"] == {"purpose": ["This field is required."]}
    draft.refresh_from_db()
    assert (draft.state, draft.submitted_at) == ("draft", None)


def test_a_sent_application_can_no_longer_be_changed(
    citizen_client: Client, submitted_certificate_application: Application
) -> None:
    response = citizen_client.patch(
        url(submitted_certificate_application), {"data": {"purpose": "changed"}}, content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["code"] == "not_editable"
    assert response.json()["errors"]
    submitted_certificate_application.refresh_from_db()
    assert submitted_certificate_application.data == {"purpose": "ສະໝັກວຽກ"}


def test_the_office_hears_what_it_asked_and_the_applicant_can_edit_again(
    citizen_client: Client, officer: User, submitted_certificate_application: Application
) -> None:
    services.application_act(
        actor=officer, application=submitted_certificate_application, transition="request_info", reason="Which village?"
    )

    body = citizen_client.get(url(submitted_certificate_application)).json()

    assert body["state"] == "info_requested"
    assert body["editable"] is True
    assert body["timeline"][-1]["by"] == "office"
    assert body["timeline"][-1]["reason"] == "Which village?"
    assert officer.email not in str(body)


def test_a_citizen_lists_only_their_own_applications(
    client: Client, citizen: User, other_citizen: User, draft: Application, certificate_service: Service
) -> None:
    theirs = services.application_create(applicant=other_citizen, service=certificate_service)
    client.force_login(citizen)

    response = client.get(APPLICATIONS)

    assert response.status_code == 200
    assert [a["id"] for a in response.json()["items"]] == [str(draft.public_id)]
    assert str(theirs.public_id) not in response.content.decode()


def test_someone_elses_application_is_a_404_whatever_the_request(
    client: Client, other_citizen: User, draft: Application
) -> None:
    client.force_login(other_citizen)

    for response in (
        client.get(url(draft)),
        client.patch(url(draft), {"data": {"purpose": "mine now"}}, content_type="application/json"),
        client.post(url(draft, "/submit")),
        client.get(url(draft, "/documents")),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    draft.refresh_from_db()
    assert (draft.data, draft.state) == ({}, "draft")


def test_an_unknown_application_is_a_404(citizen_client: Client, db: None) -> None:
    assert citizen_client.get(url("00000000-0000-0000-0000-000000000000")).status_code == 404


def test_the_issued_document_is_listed_once_approved(
    citizen_client: Client, officer: User, submitted_certificate_application: Application
) -> None:
    application = submitted_certificate_application
    assert citizen_client.get(url(application, "/documents")).json() == []
    services.application_act(actor=officer, application=application, transition="start_review")
    services.application_act(actor=officer, application=application, transition="approve")
    application.refresh_from_db()

    response = citizen_client.get(url(application, "/documents"))

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": str(application.document_id),
            "download_url": f"http://testserver/documents/{application.document_id}/download/",
        }
    ]
    detail = citizen_client.get(url(application)).json()
    assert (detail["state"], detail["finished"], detail["document_id"]) == (
        "approved",
        True,
        str(application.document_id),
    )


# CSRF: the API keeps Django's protection for session-authenticated writes


def test_writes_with_a_session_need_the_csrf_token(citizen: User, certificate_service: Service) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(citizen)

    refused = browser.post(APPLICATIONS, {"service": "residence-certificate"}, content_type="application/json")
    browser.get("/")  # any page with a form sets the CSRF cookie
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    accepted = browser.post(
        APPLICATIONS,
        {"service": "residence-certificate"},
        content_type="application/json",
        headers={"x-csrftoken": token},
    )

    assert refused.status_code == 403
    assert accepted.status_code == 201
    assert Application.objects.count() == 1


# The OpenAPI document


def test_the_openapi_document_lists_the_operations_and_their_schemas(client: Client, db: None) -> None:
    schema = client.get("/api/v1/openapi.json").json()

    paths = schema["paths"]
    assert set(paths["/api/v1/services"]) == {"get"}
    assert set(paths["/api/v1/services/{code}"]) == {"get"}
    assert set(paths["/api/v1/applications"]) == {"get", "post"}
    assert set(paths["/api/v1/applications/{public_id}"]) == {"get", "patch"}
    assert set(paths["/api/v1/applications/{public_id}/submit"]) == {"post"}
    assert set(paths["/api/v1/applications/{public_id}/documents"]) == {"get"}
    submit = paths["/api/v1/applications/{public_id}/submit"]["post"]["responses"]
    assert {"200", "401", "404", "422"} <= set(submit)
    assert submit["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    assert "201" in paths["/api/v1/applications"]["post"]["responses"]
    for name in ("ServiceListOut", "ServiceDetailOut", "ApplicationOut", "ApplicationCreateIn", "ApplicationDraftIn"):
        assert name in schema["components"]["schemas"]
    assert "form_schema" in schema["components"]["schemas"]["ServiceDetailOut"]["properties"]
