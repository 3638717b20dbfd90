"""Projects submitted by an association and decided by the line ministry of its sector, through the workflow
engine: approvers of that ministry decide, staff of another ministry see nothing, a rejection needs a reason."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from conftest import UserFactory, staff_with_role
from elaos.accounts.models import User
from elaos.agencies.models import Sector
from elaos.civil_society.models import Npa, NpaMembership, NpaProject
from elaos.civil_society.services import npa_project_decide, npa_project_submit
from elaos.civil_society.tests.conftest import verified_client
from elaos.workflows.models import WorkflowInstance

FORM = {
    "title_lo": "ຝຶກອົບຮົມແພດຊົນນະບົດ",
    "title_en": "Training rural doctors",
    "description_lo": "ຝຶກອົບຮົມແພດ 200 ຄົນ ໃນ 5 ແຂວງ",
    "budget_kip": "1.500.000.000",
    "foreign_funding_kip": "1.000.000.000",
    "funder": "WHO",
    "starts_on": "2027-01-01",
    "ends_on": "2027-12-31",
}


@pytest.fixture
def dara(doctors: Npa) -> User:
    user = UserFactory()
    NpaMembership.objects.create(user=user, npa=doctors, role=NpaMembership.Role.NPA_ADMIN)
    return user


@pytest.fixture
def project(dara: User, doctors: Npa) -> NpaProject:
    return npa_project_submit(
        actor=dara,
        npa=doctors,
        title_lo="ຝຶກອົບຮົມແພດຊົນນະບົດ",
        budget_kip=1_500_000_000,
        foreign_funding_kip=1_000_000_000,
        funder="WHO",
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
    )


@pytest.fixture
def erin(education: Sector) -> User:
    """An approver of the Ministry of Education: another ministry."""
    return staff_with_role("approver", education.line_ministry, email="erin@gov.la")


def test_submitting_sends_the_project_to_the_line_ministry(client: Client, dara: User, doctors: Npa) -> None:
    client.force_login(dara)
    assert client.get(f"/npas/{doctors.registration_number}/projects/new/").status_code == 200
    response = client.post(f"/npas/{doctors.registration_number}/projects/new/", FORM)
    assert response.status_code == 302
    project = NpaProject.objects.get()
    assert (project.status, project.budget_kip, project.foreign_funding_kip) == ("pending", 1_500_000_000, 10**9)
    assert project.submission.starts_on == datetime.date(2027, 1, 1)
    instance = WorkflowInstance.objects.get(subject_type="civil_society.project", subject_id=str(project.pk))
    assert (instance.office, instance.state) == (doctors.sector.line_ministry, "submitted")


def test_bad_project_input_keeps_what_was_typed(client: Client, dara: User, doctors: Npa) -> None:
    client.force_login(dara)
    response = client.post(
        f"/npas/{doctors.registration_number}/projects/new/",
        {**FORM, "budget_kip": "abc", "foreign_funding_kip": "-3"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'value="abc"' in page
    assert "cannot be negative" in page
    assert FORM["title_lo"] in page
    response = client.post(
        f"/npas/{doctors.registration_number}/projects/new/",
        {**FORM, "budget_kip": "100", "foreign_funding_kip": "200", "ends_on": "2026-01-01"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "cannot be more than the budget" in page
    assert "cannot be before the start" in page
    assert not NpaProject.objects.exists()


def test_only_the_associations_administrator_submits(client: Client, doctors: Npa, teachers: Npa, dara: User) -> None:
    with pytest.raises(PermissionDenied):
        npa_project_submit(
            actor=dara,
            npa=teachers,
            title_lo="x",
            budget_kip=1,
            starts_on=datetime.date(2027, 1, 1),
            ends_on=datetime.date(2027, 1, 2),
        )
    client.force_login(dara)
    assert client.post(f"/npas/{teachers.registration_number}/projects/new/", FORM).status_code == 404


def test_an_approver_of_the_line_ministry_approves(client: Client, bob: User, project: NpaProject) -> None:
    client = verified_client(client, bob)
    queue = client.get("/npas/projects/queue/").content.decode()
    assert project.title_lo in queue
    assert client.get(f"/npas/projects/{project.pk}/decide/").status_code == 200
    response = client.post(f"/npas/projects/{project.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == NpaProject.Status.APPROVED
    assert project.approved_on is not None
    assert project.title_lo not in client.get("/npas/projects/queue/").content.decode()
    assert project.title_lo in client.get(f"/npas/{project.npa.registration_number}/").content.decode()


def test_a_rejection_needs_a_reason(client: Client, bob: User, project: NpaProject) -> None:
    client = verified_client(client, bob)
    response = client.post(f"/npas/projects/{project.pk}/decide/", {"decision": "reject"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Give a reason" in response.content.decode()
    with pytest.raises(Exception, match="reason"):
        npa_project_decide(actor=bob, project=project, decision="reject", reason=" ")
    response = client.post(f"/npas/projects/{project.pk}/decide/", {"decision": "reject", "reason": "ງົບປະມານບໍ່ຊັດເຈນ"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.status, project.approved_on) == (NpaProject.Status.REJECTED, None)
    assert project.submission.decision_reason == "ງົບປະມານບໍ່ຊັດເຈນ"


def test_staff_of_another_ministry_cannot_decide(client: Client, erin: User, project: NpaProject) -> None:
    with pytest.raises(PermissionDenied):
        npa_project_decide(actor=erin, project=project, decision="approve")
    client = verified_client(client, erin)
    assert project.title_lo not in client.get("/npas/projects/queue/").content.decode()
    assert client.get(f"/npas/projects/{project.pk}/decide/").status_code == 404
    assert client.post(f"/npas/projects/{project.pk}/decide/", {"decision": "approve"}).status_code == 404
    project.refresh_from_db()
    assert project.status == NpaProject.Status.PENDING


def test_the_queue_is_for_staff_only(client: Client, dara: User) -> None:
    client.force_login(dara)
    assert client.get("/npas/projects/queue/").status_code == 404
