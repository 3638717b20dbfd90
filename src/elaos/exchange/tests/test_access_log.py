"""Who accessed my data: exactly the reads recorded about me, by agency systems and by officers, and nobody else's."""

import csv
import io

from elaos.exchange.tests.conftest import agency_get, give_consent


def test_access_log_shows_exactly_the_reads_made(client, citizen, other_citizen, lsso, token, sms_code):  # type: ignore[no-untyped-def]
    give_consent(citizen, lsso, sms_code)
    give_consent(other_citizen, lsso, sms_code)
    agency_get(client, f"/exchange/persons/{citizen.public_id}/address", token)
    agency_get(client, f"/exchange/persons/{citizen.public_id}/address", token)
    agency_get(client, f"/exchange/persons/{other_citizen.public_id}/address", token)
    # A refused read released nothing and is not listed as a read.
    agency_get(client, f"/exchange/persons/{citizen.public_id}/applications", token)

    client.force_login(citizen)
    log = client.get("/api/v1/me/access-log", HTTP_ACCEPT_LANGUAGE="en").json()

    assert len(log) == 2
    assert {e["who"] for e in log} == {"Claims system"}
    assert {e["office"] for e in log} == {"Lao Social Security Organisation"}
    assert {e["purpose"] for e in log} == {"Providing a public service you asked for"}
    assert {e["dataset"] for e in log} == {"Your address"}
    client.force_login(other_citizen)
    assert len(client.get("/api/v1/me/access-log").json()) == 1


def test_officer_reading_an_application_is_listed(
    client, verified_officer_client, officer, citizen, submitted_certificate_application
):  # type: ignore[no-untyped-def]
    response = verified_officer_client.get(
        f"/backoffice/services/applications/{submitted_certificate_application.public_id}/"
    )
    assert response.status_code == 200, response.status_code

    from django.test import Client

    citizen_client = Client()
    citizen_client.force_login(citizen)
    [entry] = citizen_client.get("/api/v1/me/access-log").json()
    assert entry["who"] == officer.get_full_name()
    assert entry["reference"] == submitted_certificate_application.reference
    assert entry["office"]


def test_access_log_downloads(client, citizen, lsso, token, sms_code):  # type: ignore[no-untyped-def]
    give_consent(citizen, lsso, sms_code)
    agency_get(client, f"/exchange/persons/{citizen.public_id}/address", token)
    client.force_login(citizen)

    as_csv = client.get("/exchange/access-log/?format=csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    as_json = client.get("/exchange/access-log/?format=json")

    assert as_csv["Content-Type"].startswith("text/csv")
    assert [r["who"] for r in rows] == ["Claims system"]
    assert [r["who"] for r in as_json.json()] == ["Claims system"]
    assert "attachment" in as_json["Content-Disposition"]


def test_access_log_page(client, citizen, lsso, token, sms_code):  # type: ignore[no-untyped-def]
    client.force_login(citizen)
    assert (
        "Nobody has read your data yet."
        in client.get("/exchange/access-log/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    give_consent(citizen, lsso, sms_code)
    agency_get(client, f"/exchange/persons/{citizen.public_id}/address", token)

    page = client.get("/exchange/access-log/").content.decode()

    assert "Claims system" in page
    assert "<caption>" in page


def test_access_log_page_needs_sign_in(client):  # type: ignore[no-untyped-def]
    assert client.get("/exchange/access-log/").status_code == 302
