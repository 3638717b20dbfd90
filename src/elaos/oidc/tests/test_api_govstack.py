"""The GovStack Registration BB API: every answer checked against the response schema of the vendored spec."""

import json
import uuid
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.test import Client

from elaos.oidc.tests.conftest import RelyingParty

SPEC = json.loads(
    (Path(__file__).parents[1] / "govstack" / "GovStack_Registration_BB_API.json").read_text(), strict=False
)


def assert_matches_spec(body: Any, path: str, method: str = "get", status: str = "200") -> None:
    content = SPEC["paths"][path][method]["responses"][status]["content"]
    schema = next(iter(content.values()))["schema"]
    jsonschema.Draft7Validator({**schema, "components": SPEC["components"]}).validate(body)


def test_the_vendored_spec_is_the_registration_bb_api() -> None:
    assert SPEC["info"]["title"] == "Registration Building Block API"
    assert {"/services", "/services/{serviceKey}", "/eForms/{serviceKey}", "/applications"} <= set(SPEC["paths"])


def test_services_lists_our_catalogue(certificate_service) -> None:
    response = Client().get("/govstack/registration/services")
    assert response.status_code == 200
    body = response.json()
    assert_matches_spec(body, "/services")
    assert [s["serviceKey"] for s in body] == ["residence-certificate"]
    assert body[0]["name"] == "ໃບຢັ້ງຢືນທີ່ຢູ່"


def test_services_in_english_and_filtered_by_name(certificate_service) -> None:
    body = Client().get("/govstack/registration/services", {"name": "zzz-nothing"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert body == []
    body = Client().get("/govstack/registration/services", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body[0]["name"] == "Certificate of residence"


def test_service_by_key(certificate_service) -> None:
    response = Client().get("/govstack/registration/services/residence-certificate")
    assert response.status_code == 200
    assert_matches_spec(response.json(), "/services/{serviceKey}")
    missing = Client().get("/govstack/registration/services/no-such-service")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


def test_eforms_of_a_service_and_one_eform_with_its_schema(certificate_service) -> None:
    listing = Client().get("/govstack/registration/eForms/residence-certificate")
    assert listing.status_code == 200
    assert_matches_spec(listing.json(), "/eForms/{serviceKey}")
    [item] = listing.json()
    assert item["eFormId"] == "residence-certificate.v1"
    assert item["latest"] is True

    form = Client().get(f"/govstack/registration/eForms/{item['eFormId']}")
    assert form.status_code == 200
    assert_matches_spec(form.json(), "/eForms/{eFormId}")
    assert form.json()["schema"]["required"] == ["purpose"]
    assert Client().get("/govstack/registration/eForms/residence-certificate.v9").status_code == 404


def _submission(applicant, **data: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {"applicantId": str(applicant.public_id), "formData": {"data": data}}


def test_submit_and_read_an_application_with_a_session(client, certificate_service, citizen) -> None:
    client.force_login(citizen)
    response = client.post(
        "/govstack/registration/services/residence-certificate/applications",
        _submission(citizen, purpose={"value": "ສະໝັກວຽກ"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert_matches_spec(body, "/services/{serviceKey}/applications", "post")
    assert body["status"]["code"] == "PENDING"
    assert body["applicationData"]["formData"]["data"] == {"purpose": {"value": "ສະໝັກວຽກ"}}

    listing = client.get("/govstack/registration/applications")
    assert_matches_spec(listing.json(), "/applications")
    assert [a["fileId"] for a in listing.json()] == [body["fileId"]]

    detail = client.get(f"/govstack/registration/applications/{body['fileId']}")
    assert detail.status_code == 200
    assert_matches_spec(detail.json(), "/applications/{fileId}")


def test_an_incomplete_application_is_refused_and_leaves_nothing(client, certificate_service, citizen) -> None:
    client.force_login(citizen)
    response = client.post(
        "/govstack/registration/services/residence-certificate/applications",
        _submission(citizen),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "purpose" in response.json()["message"]
    assert client.get("/govstack/registration/applications").json() == []


def test_applying_for_someone_else_is_refused(client, certificate_service, citizen, other_citizen) -> None:
    client.force_login(citizen)
    response = client.post(
        "/govstack/registration/services/residence-certificate/applications",
        _submission(other_citizen, purpose="x"),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "wrong_applicant"


def test_another_persons_application_is_404(client, submitted_certificate_application, other_citizen) -> None:
    client.force_login(other_citizen)
    response = client.get(f"/govstack/registration/applications/{submitted_certificate_application.public_id}")
    assert response.status_code == 404
    assert client.get(f"/govstack/registration/applications/{uuid.uuid4()}").status_code == 404
    assert client.get("/govstack/registration/applications/not-a-uuid").status_code == 404
    assert client.get("/govstack/registration/applications").json() == []


def test_applications_need_a_signed_in_person(db) -> None:
    response = Client().get("/govstack/registration/applications")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_session_posts_need_csrf(certificate_service, citizen) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(citizen)
    response = browser.post(
        "/govstack/registration/services/residence-certificate/applications",
        _submission(citizen, purpose="x"),
        content_type="application/json",
    )
    assert response.status_code in (401, 403)


@pytest.fixture
def status_agency(identity_admin, ministry):  # type: ignore[no-untyped-def]
    from elaos.oidc import services
    from elaos.oidc.tests.conftest import REDIRECT_URI, Agency

    client, secret = services.agency_client_register(
        actor=identity_admin,
        organisation=ministry,
        name_lo="ລະບົບ",
        name_en="Status system",
        redirect_uris=[REDIRECT_URI],
        post_logout_redirect_uris=[],
        allowed_scopes=["openid", "services.application.status"],
    )
    return Agency(client_id=client.application.client_id, secret=secret, agency_client=client)


def test_an_agency_system_reads_status_with_a_token_the_person_granted(
    client, submitted_certificate_application, citizen, status_agency
) -> None:
    client.force_login(citizen)
    tokens = RelyingParty(browser=client, agency=status_agency).tokens("openid services.application.status")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {tokens['access_token']}"}
    response = Client().get(
        f"/govstack/registration/applications/{submitted_certificate_application.public_id}", **bearer
    )
    assert response.status_code == 200
    assert_matches_spec(response.json(), "/applications/{fileId}")
    # The token does not allow submitting.
    refused = Client().post(
        "/govstack/registration/services/residence-certificate/applications",
        _submission(citizen, purpose="x"),
        content_type="application/json",
        **bearer,
    )
    assert refused.status_code == 401
    bad = Client().get("/govstack/registration/applications", HTTP_AUTHORIZATION="Bearer forged")
    assert bad.status_code == 401
