"""Rules of the domain apps that the generated matrix cannot express with a 404: what a public page may show of a
private individual, who an application submitted through the GovStack API is for, which files the bulk-download
endpoint serves, and that an API write done as the signed-in person carries the CSRF check. Each is named in
registry.py or test_csrf.py next to the route it concerns."""

import datetime
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from elaos.core.tests.security.conftest import World
from elaos.core.tests.security.scenarios import applications, certificate_service

NATIONAL_ID = "0123456789012"


@pytest.fixture
def individual_payment(world: World) -> Any:
    """A payment to a private person, published with an identifier the agency's file carried."""
    from elaos.budget.models import Payee, Transaction
    from elaos.budget.reference import reference_data_ensure
    from elaos.budget.services import fiscal_year_ensure

    reference_data_ensure()
    fiscal_year_ensure(2025)
    person = Payee.objects.create(
        name_lo="ທ້າວ ບຸນມີ",
        name_en="Mr Bounmy",
        kind=Payee.Kind.INDIVIDUAL,
        registration_number=NATIONAL_ID,
        registered_on=datetime.date(1990, 4, 2),
    )
    return Transaction.objects.create(
        fiscal_year_id=2025,
        agency=world.ministry,
        reference="P-SEC-1",
        date=datetime.date(2025, 5, 2),
        payee=person,
        amount=45_000_000,
    )


def test_budget_api_shows_no_identifier_of_an_individual(individual_payment: Any, client: Client) -> None:
    """What the law makes public about a private person paid with public money is the payment and the name."""
    response = client.get(f"/api/v1/budget/transactions/{individual_payment.pk}")
    assert response.status_code == 200
    assert NATIONAL_ID not in response.content.decode()
    assert "45000000" in response.content.decode()


@pytest.mark.parametrize("page", ["payee", "payment"])
def test_payee_pages_of_individuals_show_no_identifier(individual_payment: Any, client: Client, page: str) -> None:
    url = (
        f"/budget/payees/{individual_payment.payee.public_id}/"
        if page == "payee"
        else f"/budget/payments/{individual_payment.pk}/"
    )
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Mr Bounmy" in text or "ທ້າວ ບຸນມີ" in text
    assert NATIONAL_ID not in text
    assert "1990" not in text


def test_govstack_submission_is_always_for_the_caller(world: World) -> None:
    """The path names a public service; the body names the applicant, and it can only be the caller: bob cannot
    submit in alice's name, and an unknown service is a 404."""
    from elaos.services.models import Application

    service = certificate_service(world)
    applications(world)
    before = Application.objects.filter(applicant=world.users["alice"]).count()
    url = f"/govstack/registration/services/{service.code}/applications"
    body = {"applicantId": str(world.users["alice"].public_id), "formData": {"data": {"purpose": "job"}}}
    response = world.client("bob").post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 400, response.content
    assert Application.objects.filter(applicant=world.users["alice"]).count() == before
    assert world.client("anonymous").post(url, json.dumps(body), content_type="application/json").status_code == 401
    missing = "/govstack/registration/services/no-such-service/applications"
    body["applicantId"] = str(world.users["bob"].public_id)
    assert world.client("bob").post(missing, json.dumps(body), content_type="application/json").status_code == 404


def test_budget_dump_names_cannot_leave_the_dump_directory(
    db: None, client: Client, settings: Any, tmp_path: Path
) -> None:
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    (dumps / "transactions.csv.gz").write_bytes(b"\x1f\x8bdump")
    (tmp_path / "secret.txt").write_text("not public")
    settings.BUDGET_DUMP_DIR = dumps
    assert client.get("/api/v1/budget/dumps/transactions.csv.gz").status_code == 200
    for name in ("..", "..%2Fsecret.txt", "%2E%2E%2Fsecret.txt", "..%5Csecret.txt", "secret.txt", "%2e%2e"):
        response = client.get(f"/api/v1/budget/dumps/{name}")
        assert response.status_code == 404, (name, response.status_code)
        assert b"not public" not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_budget_dump_name_with_a_nul_byte_is_a_404(db: None, client: Client, settings: Any, tmp_path: Path) -> None:
    settings.BUDGET_DUMP_DIR = tmp_path
    assert client.get("/api/v1/budget/dumps/x%00.csv.gz").status_code == 404


def test_a_complaint_through_the_api_is_not_filed_in_a_session_users_name_without_csrf(
    csrf_world: World, settings: Any
) -> None:
    from elaos.migration.models import Complaint

    settings.MIGRATION_COMPLAINTS_OFFICE = csrf_world.office_a.code
    alice = csrf_world.users["alice"]
    body = {
        "complainant_kind": "migrant",
        "against": "employer",
        "employer_name": "Some Farm",
        "category": "unpaid_wages",
        "description": "Forged from another site.",
        "submission_key": str(uuid.uuid4()),
    }
    response = csrf_world.client("alice").post(
        "/api/v1/migration/complaints", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 403 or not Complaint.objects.filter(complainant=alice).exists(), (
        response.status_code,
        response.content[:200],
    )


def test_posted_row_identifiers_that_are_no_uuid_are_a_404(world: World) -> None:
    """Forms that name a row of the page (a consent to withdraw, a plan item, a webhook) by its id: a value that
    is not an id answers 404 like an unknown one, never a server error."""
    from elaos.core.tests.security.scenarios_domains import exchange, protection

    case = protection(world)["case"]
    worker = world.client("case_worker_a")
    page = f"/backoffice/protection/cases/{case.public_id}/"
    for action, field in (("withdraw", "consent"), ("plan_status", "item")):
        for value in ("not-a-uuid", "' OR 1=1 --"):
            response = worker.post(page, {"action": action, field: value, "note": "x", "status": "done"})
            assert response.status_code == 404, (action, value, response.status_code)
    client = exchange(world)["clients"]["system_a"]
    response = world.client("agency_admin").post(
        f"/exchange/systems/{client.public_id}/", {"action": "unsubscribe", "subscription": "not-a-uuid"}
    )
    assert response.status_code == 404, response.status_code
