import pytest
from django.test import Client

from elaos.core.models import AuditEvent
from elaos.migration.tests.conftest import in_days, verified_client


def test_the_migrant_sees_and_downloads_their_own_record(client, citizen, migrant) -> None:  # type: ignore[no-untyped-def]
    client.force_login(citizen)
    assert migrant.reference in client.get(f"/migration/me/records/{migrant.public_id}/").content.decode()
    data = client.get("/migration/me/data.json").json()
    assert data["migrant_records"][0]["reference"] == migrant.reference


def test_another_citizen_gets_404(client, other_citizen, migrant) -> None:  # type: ignore[no-untyped-def]
    client.force_login(other_citizen)
    assert client.get(f"/migration/me/records/{migrant.public_id}/").status_code == 404
    assert client.get(f"/api/v1/migration/migrants/{migrant.public_id}").status_code == 404


def test_the_office_officer_reads_it_audited_another_office_gets_404(migrant, bounmy, chanh, citizen) -> None:  # type: ignore[no-untyped-def]
    bounmy_client = verified_client(bounmy)
    response = bounmy_client.get(f"/migration/backoffice/migrants/{migrant.public_id}/")
    assert response.status_code == 200
    read = AuditEvent.objects.get(action="migration.migrant.read.page")
    assert read.data["person"] == str(citizen.public_id)
    assert verified_client(chanh).get(f"/migration/backoffice/migrants/{migrant.public_id}/").status_code == 404
    api = bounmy_client.get(f"/api/v1/migration/migrants/{migrant.public_id}")
    assert api.status_code == 200
    assert AuditEvent.objects.filter(action="migration.migrant.read.api").count() == 1


def test_self_registration_form_refuses_a_suspended_agency(client, citizen, district_office, suspended_agency) -> None:  # type: ignore[no-untyped-def]
    client.force_login(citizen)
    response = client.post(
        "/migration/me/register/",
        {
            "office": district_office.pk,
            "sex": "female",
            "birth_year": "1998",
            "home_province": "1",
            "destination": "TH",
            "employer_name": "Siam Garments",
            "sector": "C",
            "job_title": "Operator",
            "monthly_wage": "10000",
            "wage_currency": "THB",
            "hours_per_week": "48",
            "monthly_deductions": "0",
            "contract_months": "24",
            "agency": suspended_agency.pk,
            "departure_date": in_days(20).isoformat(),
            "consent": "on",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "suspended" in page
    assert "Siam Garments" in page


@pytest.mark.parametrize("path", ["/migration/backoffice/", "/migration/backoffice/migrants/"])
def test_staff_pages_are_404_for_staff_without_a_migration_role(path, verified_officer_client) -> None:  # type: ignore[no-untyped-def]
    assert verified_officer_client.get(path).status_code == 404


def test_suspension_by_staff_is_audited_and_announced(agency, dara, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from elaos.core import events

    seen = []
    events.subscribe(lambda kind, payload: seen.append((kind, payload)))
    client: Client = verified_client(dara)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/migration/backoffice/agencies/{agency.licence_number}/status/",
            {"status": "suspended", "reason": "Contract substitution"},
        )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="migration.agency_suspended").exists()
    assert ("migration.agency_licence_suspended", seen[-1][1]) == seen[-1]
    assert seen[-1][1]["licence_number"] == agency.licence_number
