"""Reads of the engine: an officer's queue, the moves an actor may make, the history of an instance."""

import datetime
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import StaffFactory, staff_with_role
from elaos.accounts.models import User
from elaos.agencies.models import Organisation
from elaos.workflows.models import WorkflowDefinition, WorkflowInstance
from elaos.workflows.selectors import available_transitions, history, office_queue, state_name
from elaos.workflows.services import workflow_start, workflow_transition

Start = Callable[..., WorkflowInstance]


@pytest.fixture
def start(licence_definition: WorkflowDefinition, citizen: User, monkeypatch: pytest.MonkeyPatch) -> Start:
    """Start an application in an office; with `submitted_on`, the citizen submits it on that day."""

    def start(subject_id: str, office: Organisation, submitted_on: str | None = None) -> WorkflowInstance:
        instance = workflow_start(
            definition=licence_definition,
            subject_type="licence_application",
            subject_id=subject_id,
            applicant=citizen,
            office=office,
        )
        if submitted_on:
            moment = datetime.datetime.fromisoformat(f"{submitted_on}T09:00").replace(tzinfo=ZoneInfo("Asia/Vientiane"))
            with monkeypatch.context() as frozen:
                frozen.setattr(timezone, "now", lambda: moment)
                workflow_transition(instance=instance, transition="submit", actor=citizen)
        return instance

    return start


def test_the_queue_holds_open_work_of_the_officers_offices_soonest_due_first(
    start: Start, officer: User, citizen: User, district_office: Organisation, other_district_office: Organisation
) -> None:
    due_later = start("LATER", district_office, submitted_on="2026-06-08")
    due_first = start("FIRST", district_office, submitted_on="2026-06-01")
    no_deadline = start("DRAFT", district_office)
    withdrawn = start("WITHDRAWN", district_office, submitted_on="2026-05-01")
    workflow_transition(instance=withdrawn, transition="withdraw", actor=citizen)
    start("ELSEWHERE", other_district_office, submitted_on="2026-05-01")
    archived = start("ARCHIVED", district_office, submitted_on="2026-05-01")
    WorkflowInstance.objects.filter(pk=archived.pk).update(archived_at=timezone.now())

    assert list(office_queue(actor=officer)) == [due_first, due_later, no_deadline]


def test_the_queue_filters_by_state_and_subject_type(
    start: Start, officer: User, district_office: Organisation
) -> None:
    submitted = start("SUBMITTED", district_office, submitted_on="2026-06-01")
    draft = start("DRAFT", district_office)

    assert list(office_queue(actor=officer, state="submitted")) == [submitted]
    assert list(office_queue(actor=officer, state="draft")) == [draft]
    assert list(office_queue(actor=officer, subject_type="licence_application", state="submitted")) == [submitted]
    assert not office_queue(actor=officer, subject_type="company_registration").exists()


def test_staff_of_another_office_see_only_their_own_office(
    start: Start, district_office: Organisation, other_district_office: Organisation
) -> None:
    start("HERE", district_office, submitted_on="2026-06-01")
    theirs = start("THERE", other_district_office, submitted_on="2026-06-01")

    assert list(office_queue(actor=staff_with_role("reviewer", other_district_office))) == [theirs]


def test_a_citizens_queue_is_empty_even_for_their_own_application(
    start: Start, citizen: User, district_office: Organisation
) -> None:
    start("MINE", district_office, submitted_on="2026-06-01")

    assert not office_queue(actor=citizen).exists()


def test_staff_without_a_role_have_an_empty_queue(start: Start, district_office: Organisation) -> None:
    start("MINE", district_office, submitted_on="2026-06-01")

    assert not office_queue(actor=StaffFactory()).exists()


def test_available_transitions_are_the_moves_this_actor_may_make_now(
    application: WorkflowInstance, citizen: User, other_citizen: User, officer: User, approver: User
) -> None:
    def codes(actor: User) -> list[str]:
        return [t["code"] for t in available_transitions(instance=application, actor=actor)]

    assert (codes(citizen), codes(other_citizen), codes(officer)) == (["submit", "withdraw"], [], [])

    workflow_transition(instance=application, transition="submit", actor=citizen)
    assert (codes(citizen), codes(officer), codes(approver)) == (["withdraw"], ["start_review"], [])

    workflow_transition(instance=application, transition="start_review", actor=officer)
    assert (codes(citizen), codes(officer), codes(approver)) == ([], ["return_to_applicant"], ["approve", "reject"])

    workflow_transition(instance=application, transition="approve", actor=approver)
    assert (codes(citizen), codes(officer), codes(approver)) == ([], [], [])


def test_available_transitions_of_one_side_ask_nothing_about_the_other(
    application: WorkflowInstance, citizen: User, officer: User
) -> None:
    workflow_transition(instance=application, transition="submit", actor=citizen)

    with CaptureQueriesContext(connection) as queries:
        applicant_moves = available_transitions(instance=application, actor=citizen, by="applicant")
    assert [t["code"] for t in applicant_moves] == ["withdraw"]
    assert len(queries) == 0  # no office role looked up for the staff's moves
    assert available_transitions(instance=application, actor=officer, by="applicant") == []
    assert [t["code"] for t in available_transitions(instance=application, actor=officer, by="staff")] == [
        "start_review"
    ]


def test_history_lists_the_moves_in_order(application: WorkflowInstance, citizen: User, officer: User) -> None:
    workflow_transition(instance=application, transition="submit", actor=citizen)
    workflow_transition(instance=application, transition="start_review", actor=officer)

    assert [(row.transition, row.actor) for row in history(application)] == [
        ("submit", citizen),
        ("start_review", officer),
    ]


def test_state_name_is_in_the_chosen_language(application: WorkflowInstance) -> None:
    assert state_name(application, language="en") == "Draft"
    assert state_name(application, language="lo") == "ສະຖານະ Draft"
