"""GET /api/v1/migration/cases (+ detail, + notes): closed to anyone without a case role, and only the cases the
caller may see."""

import uuid

import pytest
from django.test import Client

from elaos.core.models import AuditEvent
from elaos.protection import services
from elaos.protection.tests.conftest import IDENTITY, verified_client

pytestmark = pytest.mark.django_db

API = "/api/v1/migration/cases"


def test_anonymous_gets_401_everywhere(client, case) -> None:
    for url in (API, f"{API}/{case.public_id}", f"{API}/{case.public_id}/notes", f"{API}/{uuid.uuid4()}"):
        response = client.get(url)
        assert response.status_code == 401
        assert response.json()["code"] == "unauthenticated"


@pytest.mark.parametrize("who", ["officer", "citizen", "npa_member"])
def test_no_case_role_gets_404_even_for_the_list(request, case, who) -> None:
    user = request.getfixturevalue(who)
    client = Client()
    if user.is_staff:
        verified_client(client, user)
    else:
        client.force_login(user)
    nothing = client.get(f"{API}/{uuid.uuid4()}")
    for url in (API, f"{API}/{case.public_id}", f"{API}/{case.public_id}/notes"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.content == nothing.content


def test_case_worker_of_another_office_sees_nothing(case, frank) -> None:
    client = verified_client(Client(), frank)
    assert client.get(API).json() == {"items": [], "count": 0}
    nothing = client.get(f"{API}/{uuid.uuid4()}")
    for url in (f"{API}/{case.public_id}", f"{API}/{case.public_id}/notes", f"{API}/garbage"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.content == nothing.content
    assert not AuditEvent.objects.filter(action__startswith="protection.case.read", object_id=str(case.public_id))


def test_case_worker_lists_without_identity_and_reads_the_case(case, carol, victim_account) -> None:
    services.note_add(actor=carol, case=case, text="First meeting")
    client = verified_client(Client(), carol)
    listing = client.get(API)
    assert listing.status_code == 200
    body = listing.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["reference"] == case.reference
    assert item["assigned_to_me"] is True
    assert "identity" not in item
    for secret in IDENTITY.values():
        assert secret not in listing.content.decode()
    detail = client.get(f"{API}/{case.public_id}").json()
    assert detail["identity"]["id_number"] == IDENTITY["id_number"]
    assert detail["types_of_exploitation"] == ["forced_labour"]
    notes = client.get(f"{API}/{case.public_id}/notes").json()
    assert [n["text"] for n in notes] == ["First meeting"]
    reads = AuditEvent.objects.filter(object_id=str(case.public_id), action__startswith="protection.case.read")
    assert {e.action for e in reads} == {"protection.case.read", "protection.case.read_notes"}
    assert all(e.subject == victim_account for e in reads)


def test_staff_without_second_factor_gets_404(case, carol) -> None:
    client = Client()
    client.force_login(carol)
    assert client.get(API).status_code == 404
