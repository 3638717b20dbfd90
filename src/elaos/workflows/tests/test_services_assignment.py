"""Who has the work: an officer claims it, an office administrator hands it to an officer of the same office."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import staff_with_role
from elaos.accounts.models import User
from elaos.agencies.models import Organisation
from elaos.core.audit import audit_events_for
from elaos.workflows.models import WorkflowDefinition, WorkflowInstance
from elaos.workflows.services import TransitionNotAllowed, workflow_assign, workflow_claim, workflow_start


def test_an_officer_claims_the_work(application: WorkflowInstance, officer: User) -> None:
    claimed = workflow_claim(instance=application, actor=officer)

    assert (claimed.assigned_to, claimed.version) == (officer, 1)
    application.refresh_from_db()
    assert application.assigned_to == officer
    event = audit_events_for(application).last()
    assert (event.action, event.actor_id, event.data) == (
        "workflow.assign",
        officer.pk,
        {"assignee": str(officer.public_id)},
    )


def test_claiming_your_own_work_again_is_harmless(application: WorkflowInstance, officer: User) -> None:
    workflow_claim(instance=application, actor=officer)

    assert workflow_claim(instance=application, actor=officer).assigned_to == officer


def test_a_second_officer_cannot_claim_work_already_taken(
    application: WorkflowInstance, officer: User, approver: User
) -> None:
    workflow_claim(instance=application, actor=officer)

    with pytest.raises(TransitionNotAllowed):
        workflow_claim(instance=application, actor=approver)

    application.refresh_from_db()
    assert (application.assigned_to, application.version) == (officer, 1)


def test_staff_of_another_office_cannot_claim(
    application: WorkflowInstance, other_district_office: Organisation
) -> None:
    with pytest.raises(PermissionDenied):
        workflow_claim(instance=application, actor=staff_with_role("reviewer", other_district_office))

    application.refresh_from_db()
    assert application.assigned_to is None


def test_the_applicant_cannot_claim(application: WorkflowInstance, citizen: User) -> None:
    with pytest.raises(PermissionDenied):
        workflow_claim(instance=application, actor=citizen)


def test_work_without_an_office_cannot_be_claimed(
    licence_definition: WorkflowDefinition, citizen: User, officer: User
) -> None:
    homeless = workflow_start(
        definition=licence_definition, subject_type="licence_application", subject_id="NO-OFFICE", applicant=citizen
    )

    with pytest.raises(PermissionDenied):
        workflow_claim(instance=homeless, actor=officer)


def test_the_office_admin_assigns_work_to_an_officer_of_the_office(
    application: WorkflowInstance, office_admin: User, officer: User, approver: User
) -> None:
    workflow_claim(instance=application, actor=officer)

    assigned = workflow_assign(instance=application, assignee=approver, actor=office_admin)

    assert (assigned.assigned_to, assigned.version) == (approver, 2)
    event = audit_events_for(application).last()
    assert (event.action, event.actor_id, event.data) == (
        "workflow.assign",
        office_admin.pk,
        {"assignee": str(approver.public_id)},
    )


@pytest.mark.parametrize("who", ["officer", "approver", "citizen"])
def test_only_an_office_admin_assigns(
    request: pytest.FixtureRequest, application: WorkflowInstance, officer: User, who: str
) -> None:
    with pytest.raises(PermissionDenied):
        workflow_assign(instance=application, assignee=officer, actor=request.getfixturevalue(who))

    application.refresh_from_db()
    assert application.assigned_to is None


def test_an_office_admin_of_another_office_cannot_assign(
    application: WorkflowInstance, officer: User, other_district_office: Organisation
) -> None:
    admin_elsewhere = staff_with_role("office_admin", other_district_office)

    with pytest.raises(PermissionDenied):
        workflow_assign(instance=application, assignee=officer, actor=admin_elsewhere)


@pytest.mark.parametrize("who", ["staff_elsewhere", "citizen"])
def test_work_goes_only_to_someone_holding_a_role_in_the_office(
    request: pytest.FixtureRequest,
    application: WorkflowInstance,
    office_admin: User,
    other_district_office: Organisation,
    who: str,
) -> None:
    assignee = (
        staff_with_role("reviewer", other_district_office) if who == "staff_elsewhere" else request.getfixturevalue(who)
    )

    with pytest.raises(ValidationError):
        workflow_assign(instance=application, assignee=assignee, actor=office_admin)

    application.refresh_from_db()
    assert (application.assigned_to, application.version) == (None, 0)
