"""The pages: need-to-know access (outsiders cannot read a case or learn that it exists), the intake with consent,
break-glass, referrals seen by the association, the anonymised export."""

import csv
import io
import uuid
from collections import Counter

import pytest
from django.test import Client

from elaos.core.models import AuditEvent
from elaos.notifications.models import Message
from elaos.protection import services
from elaos.protection.export import QUASI_IDENTIFIERS
from elaos.protection.models import ProtectionCase, Referral
from elaos.protection.tests.conftest import IDENTITY, verified_client

pytestmark = pytest.mark.django_db

NOWHERE = str(uuid.uuid4())


def case_urls(case: ProtectionCase) -> list[str]:
    return [f"/backoffice/protection/cases/{case.public_id}/"]


def missing_urls() -> list[str]:
    return [f"/backoffice/protection/cases/{NOWHERE}/", "/backoffice/protection/cases/not-a-uuid/"]


def assert_not_found_like_nothing(client: Client, case: ProtectionCase) -> None:
    """The case's URLs answer exactly as those of a case that does not exist, GET and POST."""
    nothing = client.get(missing_urls()[0])
    assert nothing.status_code == 404
    for url in case_urls(case) + missing_urls():
        for response in (client.get(url), client.post(url, {"action": "note", "note-text": "hello"})):
            assert response.status_code == 404, url
            assert response.content == nothing.content, url


@pytest.mark.parametrize("who", ["frank", "officer", "citizen", "npa_member"])
def test_outsiders_cannot_read_a_case_or_learn_it_exists(request, case, who) -> None:
    user = request.getfixturevalue(who)
    client = verified_client(Client(), user) if user.is_staff else Client()
    if not user.is_staff:
        client.force_login(user)
    assert_not_found_like_nothing(client, case)
    listing = client.get("/backoffice/protection/")
    if who == "frank":  # a case worker elsewhere: his (empty) list, without the case
        assert listing.status_code == 200
        assert case.reference not in listing.content.decode()
    else:
        assert listing.status_code == 404
    assert case.notes.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="protection.case.read", object_id=str(case.public_id))


def test_anonymous_visitors_are_sent_to_sign_in_whatever_the_id(client, case) -> None:
    for url in case_urls(case) + missing_urls():
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/sign-in/" in response["Location"]


def test_case_worker_sees_the_list_without_identity_and_the_case_with_it(case, carol, victim_account) -> None:
    client = verified_client(Client(), carol)
    listing = client.get("/backoffice/protection/").content.decode()
    assert case.reference in listing
    for secret in (IDENTITY["given_name"], IDENTITY["family_name"], IDENTITY["phone"], IDENTITY["id_number"]):
        assert secret not in listing
    page = client.get(f"/backoffice/protection/cases/{case.public_id}/").content.decode()
    assert IDENTITY["given_name"] in page
    assert IDENTITY["id_number"] in page
    read = AuditEvent.objects.get(action="protection.case.read", object_id=str(case.public_id))
    assert read.actor == carol
    assert read.subject == victim_account
    assert AuditEvent.objects.filter(action="protection.case.read_list", actor=carol).exists()


def test_supervisor_sees_the_case(case, dave) -> None:
    client = verified_client(Client(), dave)
    assert case.reference in client.get("/backoffice/protection/").content.decode()
    assert client.get(f"/backoffice/protection/cases/{case.public_id}/").status_code == 200


def intake(**changes: str) -> dict[str, str]:
    data = {
        "given_name": "Noy",
        "family_name": "Phanthavong",
        "trafficking_status": "possible",
        "migrant_type": "returnee",
        "gender": "female",
        "age_band": "unknown",
        "date_of_birth": "2004-05-01",
        "citizenship": "LA",
        "country_of_exploitation": "TH",
        "types_of_exploitation": "forced_labour",
        "identified_on": "2026-02-01",
        "consent_method": "verbal",
    }
    data.update(changes)
    return data


def test_intake_without_consent_is_refused_with_a_clear_message(carol, district_office) -> None:
    client = verified_client(Client(), carol)
    response = client.post(
        "/backoffice/protection/cases/new/", intake(organisation=str(district_office.pk)), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "cannot be opened without the person" in page
    assert 'value="Phanthavong"' in page  # what was typed is kept
    assert not ProtectionCase.objects.exists()


def test_intake_with_consent_opens_the_case(carol, district_office) -> None:
    client = verified_client(Client(), carol)
    response = client.post(
        "/backoffice/protection/cases/new/", intake(organisation=str(district_office.pk), consent_given="on")
    )
    case = ProtectionCase.objects.get()
    assert response.status_code == 302
    assert str(case.public_id) in response["Location"]
    assert case.age_band == "21-23"  # worked out from the date of birth
    assert case.case_worker == carol


def test_officer_without_case_role_cannot_open_a_case(verified_officer_client) -> None:
    assert verified_officer_client.get("/backoffice/protection/cases/new/").status_code == 404


def test_case_page_actions_note_and_refused_referral(case, carol, npa) -> None:
    client = verified_client(Client(), carol)
    url = f"/backoffice/protection/cases/{case.public_id}/"
    assert client.post(url, {"action": "note", "note-text": "Met her today"}).status_code == 302
    assert case.notes.get().text == "Met her today"
    response = client.post(
        url,
        {
            "action": "referral",
            "referral-service": "shelter",
            "referral-to_npa": npa.registration_number,
            "referral-details": "Needs shelter",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "has not consented" in response.content.decode()
    client.post(
        url,
        {
            "action": "consent",
            "consent-purpose": "referral",
            "consent-recipient_npa": npa.registration_number,
            "consent-method": "verbal",
        },
    )
    response = client.post(
        url,
        {
            "action": "referral",
            "referral-service": "shelter",
            "referral-to_npa": npa.registration_number,
            "referral-details": "Needs shelter",
        },
    )
    assert response.status_code == 302
    assert Referral.objects.get().status == Referral.Status.PENDING


def test_break_glass_page(case, erin, dave) -> None:
    dave.preferred_language = "en"  # the alert is written in the supervisor's language
    dave.save(update_fields=["preferred_language"])
    client = verified_client(Client(), erin)
    url = f"/backoffice/protection/cases/{case.public_id}/"
    assert client.get(url).status_code == 404
    response = client.post("/backoffice/protection/break-glass/", {"reference": case.reference, "reason": "x"})
    assert response.status_code == 400
    response = client.post(
        "/backoffice/protection/break-glass/",
        {"reference": case.reference, "reason": "She is at the border now and her worker is away"},
    )
    assert response.status_code == 302
    assert response["Location"] == url
    assert client.get(url).status_code == 200
    assert Message.objects.filter(to=dave.email, subject__contains="Emergency").exists()
    supervisor_page = verified_client(Client(), dave).get("/backoffice/protection/").content.decode()
    assert "her worker is away" in supervisor_page


def test_break_glass_answers_alike_for_other_offices_and_missing_cases(case, frank) -> None:
    client = verified_client(Client(), frank)
    reason = "Urgent, the person is at our office"
    theirs = client.post("/backoffice/protection/break-glass/", {"reference": case.reference, "reason": reason})
    missing = client.post("/backoffice/protection/break-glass/", {"reference": "PC-NOSUCH00", "reason": reason})
    assert theirs.status_code == missing.status_code == 400
    strip = lambda html: html.replace(case.reference, "").replace("PC-NOSUCH00", "")  # noqa: E731
    csrf = lambda html: "\n".join(line for line in html.splitlines() if "csrfmiddlewaretoken" not in line)  # noqa: E731
    assert csrf(strip(theirs.content.decode())) == csrf(strip(missing.content.decode()))


def test_the_association_answers_a_referral_and_sees_only_minimal_data(case, carol, npa, npa_member, citizen) -> None:
    services.consent_record(
        actor=carol, case=case, purpose="referral", method="verbal", recipient_npa=npa.registration_number
    )
    referral = services.referral_create(
        actor=carol, case=case, service="shelter", details="Needs a bed", to_npa=npa.registration_number
    )
    outsider = Client()
    outsider.force_login(citizen)
    assert outsider.get("/backoffice/protection/referrals/").status_code == 404
    assert outsider.get(f"/backoffice/protection/referrals/{referral.public_id}/").status_code == 404
    client = Client()
    client.force_login(npa_member)
    assert "Needs" not in client.get("/backoffice/protection/referrals/").content.decode()
    page = client.get(f"/backoffice/protection/referrals/{referral.public_id}/").content.decode()
    assert "Needs a bed" in page
    for secret in (IDENTITY["given_name"], IDENTITY["phone"], IDENTITY["id_number"], case.reference):
        assert secret not in page
    assert AuditEvent.objects.filter(action="protection.case.read_referral", actor=npa_member).exists()
    assert client.get(f"/backoffice/protection/cases/{case.public_id}/").status_code == 404
    url = f"/backoffice/protection/referrals/{referral.public_id}/"
    assert client.post(url, {"action": "answer", "answer-decision": "decline"}).status_code == 400
    assert client.post(url, {"action": "answer", "answer-decision": "accept"}).status_code == 302
    assert client.post(url, {"action": "outcome", "outcome-outcome": "Three weeks in the shelter"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.COMPLETED


def test_export_is_for_supervisors_and_k_anonymous(carol, dave, district_office) -> None:
    for i in range(30):
        services.case_open(
            actor=carol,
            organisation=district_office,
            facts={
                "trafficking_status": "actual",
                "migrant_type": "returnee",
                "gender": ["female", "male"][i % 2],
                "age_band": ["18-20", "21-23", "9-17"][i % 3],
                "country_of_exploitation": ["TH", "CN", "MY"][i % 3],
                "types_of_exploitation": ["forced_labour"],
                "identified_on": "2025-03-01",
            },
            identity={"given_name": f"Person {i}"},
            consent_given=True,
        )
    assert verified_client(Client(), carol).get("/backoffice/protection/export/cases.csv").status_code == 404
    response = verified_client(Client(), dave).get("/backoffice/protection/export/cases.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert "Person" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) >= 27
    groups = Counter(tuple(row[q] for q in QUASI_IDENTIFIERS) for row in rows)
    assert min(groups.values()) >= 11
    assert AuditEvent.objects.filter(action="protection.export", actor=dave).exists()
