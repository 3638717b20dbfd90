"""workflow_transition: who may make which move, what each move writes, and that a failed move writes nothing."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import licence_workflow, staff_with_role
from elaos.accounts.models import User
from elaos.agencies.models import Organisation
from elaos.core.audit import audit_events_for
from elaos.core.models import AuditEvent, AuditHead
from elaos.workflows.actions import register_action
from elaos.workflows.models import WorkflowInstance, WorkflowTransition
from elaos.workflows.services import (
    ConcurrentUpdate,
    TransitionNotAllowed,
    workflow_definition_publish,
    workflow_start,
    workflow_transition,
)


@pytest.fixture
def in_review(application: WorkflowInstance, citizen: User, officer: User) -> WorkflowInstance:
    workflow_transition(instance=application, transition="submit", actor=citizen)
    workflow_transition(instance=application, transition="start_review", actor=officer)
    return application


def nothing_written(instance: WorkflowInstance, *, state: str, version: int, history: int, events: int) -> bool:
    instance = WorkflowInstance.objects.get(pk=instance.pk)
    return (instance.state, instance.version, instance.history.count(), audit_events_for(instance).count()) == (
        state,
        version,
        history,
        events,
    )


def test_a_move_writes_one_history_row_one_audit_event_and_bumps_the_version(
    application: WorkflowInstance, citizen: User
) -> None:
    events_before = AuditEvent.objects.count()

    moved = workflow_transition(instance=application, transition="submit", actor=citizen)

    assert (moved.state, moved.version, moved.is_terminal, moved.updated_by) == ("submitted", 1, False, citizen)
    assert (application.state, application.version) == ("submitted", 1)
    [row] = WorkflowTransition.objects.filter(instance=application)
    assert (row.transition, row.from_state, row.to_state, row.actor, row.reason) == (
        "submit",
        "draft",
        "submitted",
        citizen,
        "",
    )
    assert AuditEvent.objects.count() == events_before + 1
    event = AuditEvent.objects.last()
    assert (event.action, event.actor_id, event.object_id) == (
        "workflow.submit",
        citizen.pk,
        str(application.public_id),
    )
    assert event.data == {"from": "draft", "to": "submitted", "reason": "", "subject": "licence_application:APP-0001"}


def test_another_citizen_may_not_move_someone_elses_application(
    application: WorkflowInstance, other_citizen: User
) -> None:
    with pytest.raises(PermissionDenied):
        workflow_transition(instance=application, transition="submit", actor=other_citizen)

    assert nothing_written(application, state="draft", version=0, history=0, events=1)


@pytest.mark.parametrize("who", ["officer", "approver", "anonymous"])
def test_an_applicant_move_is_refused_to_anyone_but_the_applicant(
    request: pytest.FixtureRequest, application: WorkflowInstance, who: str
) -> None:
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        workflow_transition(instance=application, transition="submit", actor=actor)

    assert nothing_written(application, state="draft", version=0, history=0, events=1)


def test_the_applicant_may_not_make_a_staff_move(in_review: WorkflowInstance, citizen: User) -> None:
    with pytest.raises(PermissionDenied):
        workflow_transition(instance=in_review, transition="approve", actor=citizen)


def test_a_reviewer_of_another_district_office_is_refused(
    application: WorkflowInstance, citizen: User, other_district_office: Organisation
) -> None:
    workflow_transition(instance=application, transition="submit", actor=citizen)
    reviewer_elsewhere = staff_with_role("reviewer", other_district_office)

    with pytest.raises(PermissionDenied):
        workflow_transition(instance=application, transition="start_review", actor=reviewer_elsewhere)

    assert nothing_written(application, state="submitted", version=1, history=1, events=2)


def test_an_approver_of_the_parent_ministry_is_not_an_approver_of_the_district_office(
    in_review: WorkflowInstance, ministry: Organisation
) -> None:
    with pytest.raises(PermissionDenied):
        workflow_transition(instance=in_review, transition="approve", actor=staff_with_role("approver", ministry))


def test_approving_needs_the_approver_role_not_the_reviewer_role(
    in_review: WorkflowInstance, officer: User, approver: User
) -> None:
    with pytest.raises(PermissionDenied):
        workflow_transition(instance=in_review, transition="approve", actor=officer)

    approved = workflow_transition(instance=in_review, transition="approve", actor=approver)

    assert approved.state == "awaiting_payment"
    assert in_review.history.last().actor == approver


def test_a_staff_member_whose_role_has_expired_is_refused(in_review: WorkflowInstance, approver: User) -> None:
    approver.role_assignments.update(valid_until="2000-01-01")

    with pytest.raises(PermissionDenied):
        workflow_transition(instance=in_review, transition="approve", actor=approver)


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_move_that_requires_a_reason_is_refused_without_one(
    in_review: WorkflowInstance, approver: User, reason: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        workflow_transition(instance=in_review, transition="reject", actor=approver, reason=reason)

    assert list(refused.value.message_dict) == ["reason"]
    assert nothing_written(in_review, state="in_review", version=2, history=2, events=3)


def test_the_reason_is_kept_in_history_and_audit(in_review: WorkflowInstance, approver: User) -> None:
    rejected = workflow_transition(
        instance=in_review, transition="reject", actor=approver, reason="  Premises not inspected.  "
    )

    assert (rejected.state, rejected.is_terminal) == ("rejected", True)
    assert in_review.history.last().reason == "Premises not inspected."
    assert audit_events_for(in_review).last().data["reason"] == "Premises not inspected."


@pytest.mark.parametrize("data", [None, {}, {"missing_documents": ""}, {"missing_documents": "  "}, {"other": "x"}])
def test_required_fields_must_be_filled(in_review: WorkflowInstance, officer: User, data: dict | None) -> None:
    with pytest.raises(ValidationError) as refused:
        workflow_transition(instance=in_review, transition="return_to_applicant", actor=officer, data=data)

    assert list(refused.value.message_dict) == ["missing_documents"]
    assert nothing_written(in_review, state="in_review", version=2, history=2, events=3)


def test_required_fields_are_kept_with_the_move(in_review: WorkflowInstance, officer: User) -> None:
    workflow_transition(
        instance=in_review,
        transition="return_to_applicant",
        actor=officer,
        data={"missing_documents": "Family book"},
    )

    assert in_review.state == "returned"
    assert in_review.history.last().data == {"missing_documents": "Family book"}


@pytest.mark.parametrize("code", ["approve", "start_review", "confirm_payment", "no_such_move"])
def test_a_move_not_possible_from_the_current_state_is_refused(
    application: WorkflowInstance, approver: User, code: str
) -> None:
    with pytest.raises(TransitionNotAllowed):
        workflow_transition(instance=application, transition=code, actor=approver, system=True)

    assert nothing_written(application, state="draft", version=0, history=0, events=1)


def test_nothing_leaves_a_terminal_state(application: WorkflowInstance, citizen: User) -> None:
    workflow_transition(instance=application, transition="withdraw", actor=citizen)
    assert application.is_terminal

    with pytest.raises(TransitionNotAllowed):
        workflow_transition(instance=application, transition="submit", actor=citizen)


def test_a_stale_version_is_refused_as_a_concurrent_update(
    in_review: WorkflowInstance, officer: User, approver: User
) -> None:
    shown_version = in_review.version
    workflow_transition(
        instance=in_review, transition="return_to_applicant", actor=officer, data={"missing_documents": "Photo"}
    )

    with pytest.raises(ConcurrentUpdate):
        workflow_transition(instance=in_review, transition="approve", actor=approver, expected_version=shown_version)

    assert nothing_written(in_review, state="returned", version=3, history=3, events=4)


def test_the_current_version_is_accepted(in_review: WorkflowInstance, approver: User) -> None:
    moved = workflow_transition(
        instance=in_review, transition="approve", actor=approver, expected_version=in_review.version
    )

    assert moved.version == 3


@pytest.fixture
def awaiting_payment(in_review: WorkflowInstance, approver: User) -> WorkflowInstance:
    workflow_transition(instance=in_review, transition="approve", actor=approver)
    return in_review


@pytest.mark.parametrize("who", ["approver", "citizen", "nobody"])
def test_a_system_move_is_refused_without_system(
    request: pytest.FixtureRequest, awaiting_payment: WorkflowInstance, who: str
) -> None:
    actor = None if who == "nobody" else request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        workflow_transition(instance=awaiting_payment, transition="confirm_payment", actor=actor)

    assert awaiting_payment.state == "awaiting_payment"


def test_a_system_move_is_made_with_system(awaiting_payment: WorkflowInstance) -> None:
    issued = workflow_transition(instance=awaiting_payment, transition="confirm_payment", actor=None, system=True)

    assert (issued.state, issued.is_terminal, issued.due_at) == ("issued", True, None)
    row = awaiting_payment.history.last()
    assert (row.transition, row.actor) == ("confirm_payment", None)
    assert audit_events_for(awaiting_payment).last().actor_id is None


def test_system_does_not_stand_in_for_a_staff_role(in_review: WorkflowInstance) -> None:
    with pytest.raises(PermissionDenied):
        workflow_transition(instance=in_review, transition="approve", actor=None, system=True)


def start_with_actions(action: str, *, citizen: User, office: Organisation, subject_type: str) -> WorkflowInstance:
    definition = licence_workflow()
    definition["states"]["submitted"]["on_enter"] = [{"action": action, "template": "submitted"}]
    published = workflow_definition_publish(
        code="licence_with_actions", name_lo="ໃບອະນຸຍາດ", name_en="Licence", definition=definition
    )
    return workflow_start(
        definition=published, subject_type=subject_type, subject_id="A-1", applicant=citizen, office=office
    )


def test_on_enter_actions_run_once_with_the_instance(citizen: User, district_office: Organisation) -> None:
    calls: list[dict[str, Any]] = []
    other_subject_calls: list[dict[str, Any]] = []
    register_action("test_notify_on_submit", lambda **kw: calls.append(kw), subject_type="licence_application")
    register_action("test_notify_on_submit", lambda **kw: other_subject_calls.append(kw), subject_type="company")
    instance = start_with_actions(
        "test_notify_on_submit", citizen=citizen, office=district_office, subject_type="licence_application"
    )
    assert calls == []

    workflow_transition(instance=instance, transition="submit", actor=citizen)

    [call] = calls
    assert call["instance"].pk == instance.pk
    assert call["instance"].state == "submitted"
    assert call["config"] == {"action": "test_notify_on_submit", "template": "submitted"}
    assert call["transition"] == instance.history.get()
    assert other_subject_calls == []


def test_registering_the_same_handler_twice_runs_it_once(citizen: User, district_office: Organisation) -> None:
    calls: list[WorkflowInstance] = []

    def handler(*, instance: WorkflowInstance, **kwargs: Any) -> None:
        calls.append(instance)

    register_action("test_register_twice", handler)
    register_action("test_register_twice", handler)
    instance = start_with_actions("test_register_twice", citizen=citizen, office=district_office, subject_type="any")

    workflow_transition(instance=instance, transition="submit", actor=citizen)

    assert len(calls) == 1


def test_a_failing_action_rolls_back_the_whole_move(citizen: User, district_office: Organisation) -> None:
    def document_service_down(**kwargs: Any) -> None:
        raise ConnectionError("document service is down")

    register_action("test_failing_action", document_service_down)
    instance = start_with_actions(
        "test_failing_action", citizen=citizen, office=district_office, subject_type="licence_application"
    )
    head_before = AuditHead.objects.get().seq

    with pytest.raises(ConnectionError):
        workflow_transition(instance=instance, transition="submit", actor=citizen)

    assert (instance.state, instance.version) == ("draft", 0)
    assert nothing_written(instance, state="draft", version=0, history=0, events=1)
    assert AuditHead.objects.get().seq == head_before
    assert not AuditEvent.objects.filter(action="workflow.submit").exists()
