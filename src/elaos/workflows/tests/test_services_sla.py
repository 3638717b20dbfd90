"""Service levels: a deadline on entering a state, counted in working days, and one breach per stay in a state."""

import datetime
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from conftest import licence_workflow
from elaos.accounts.models import User
from elaos.agencies.models import Organisation
from elaos.core.audit import audit_events_for
from elaos.workflows.actions import register_action
from elaos.workflows.models import WorkflowDefinition, WorkflowInstance
from elaos.workflows.services import (
    workflow_definition_publish,
    workflow_sla_sweep,
    workflow_start,
    workflow_transition,
)
from elaos.workflows.tasks import sla_sweep

Clock = Callable[[str], None]


def vientiane(moment: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(moment).replace(tzinfo=ZoneInfo("Asia/Vientiane"))


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Sets what timezone.now() returns, for the engine and for the audit rows alike."""

    def set_to(moment: str) -> None:
        monkeypatch.setattr(timezone, "now", lambda: vientiane(moment))

    return set_to


def test_entering_a_state_with_a_service_level_sets_its_deadline(
    clock: Clock, application: WorkflowInstance, citizen: User
) -> None:
    assert application.due_at is None
    clock("2026-04-10T09:00")

    workflow_transition(instance=application, transition="submit", actor=citizen)

    # Five working days from Friday 10 April: 13, 17, 20, 21, 22 (14-16 April are Lao New Year).
    assert application.state_entered_at == vientiane("2026-04-10T09:00")
    assert application.due_at == vientiane("2026-04-22T09:00")


def test_each_state_has_its_own_deadline(
    clock: Clock, application: WorkflowInstance, citizen: User, officer: User
) -> None:
    clock("2026-04-10T09:00")
    workflow_transition(instance=application, transition="submit", actor=citizen)
    clock("2026-04-13T15:30")

    workflow_transition(instance=application, transition="start_review", actor=officer)

    # Ten working days from Monday 13 April: 17, 20-24, 27-30.
    assert application.due_at == vientiane("2026-04-30T15:30")
    workflow_transition(
        instance=application, transition="return_to_applicant", actor=officer, data={"missing_documents": "ID"}
    )
    assert application.due_at is None


def test_a_late_instance_is_breached_once(
    clock: Clock, licence_definition: WorkflowDefinition, citizen: User, district_office: Organisation
) -> None:
    escalations: list[WorkflowInstance] = []
    register_action(
        "sla_breached", lambda *, instance, **kw: escalations.append(instance), subject_type="sla_test_late"
    )
    late = workflow_start(
        definition=licence_definition,
        subject_type="sla_test_late",
        subject_id="1",
        applicant=citizen,
        office=district_office,
    )
    on_time = workflow_start(
        definition=licence_definition,
        subject_type="sla_test_late",
        subject_id="2",
        applicant=citizen,
        office=district_office,
    )
    clock("2026-04-10T09:00")
    workflow_transition(instance=late, transition="submit", actor=citizen)
    clock("2026-04-21T09:00")
    workflow_transition(instance=on_time, transition="submit", actor=citizen)
    clock("2026-04-22T09:01")

    assert workflow_sla_sweep() == [late]

    late.refresh_from_db()
    on_time.refresh_from_db()
    assert (late.sla_breached_at, on_time.sla_breached_at) == (vientiane("2026-04-22T09:01"), None)
    assert [i.pk for i in escalations] == [late.pk]
    event = audit_events_for(late).last()
    assert (event.action, event.actor_id, event.data) == ("workflow.sla_breached", None, {"state": "submitted"})

    clock("2026-04-23T09:00")
    assert workflow_sla_sweep() == []
    assert [i.pk for i in escalations] == [late.pk]
    assert audit_events_for(late).filter(action="workflow.sla_breached").count() == 1
    late.refresh_from_db()
    assert late.sla_breached_at == vientiane("2026-04-22T09:01")


def test_not_yet_due_at_the_deadline_itself(clock: Clock, application: WorkflowInstance, citizen: User) -> None:
    clock("2026-04-10T09:00")
    workflow_transition(instance=application, transition="submit", actor=citizen)
    clock("2026-04-22T09:00")

    assert workflow_sla_sweep() == []


def test_moving_on_clears_the_breach_and_sets_a_new_deadline(
    clock: Clock, application: WorkflowInstance, citizen: User, officer: User
) -> None:
    clock("2026-04-10T09:00")
    workflow_transition(instance=application, transition="submit", actor=citizen)
    clock("2026-05-04T09:00")
    assert workflow_sla_sweep() == [application]

    workflow_transition(instance=application, transition="start_review", actor=officer)

    assert application.sla_breached_at is None
    assert application.due_at == vientiane("2026-05-18T09:00")


def test_finished_work_is_never_breached(clock: Clock, application: WorkflowInstance, citizen: User) -> None:
    clock("2026-04-10T09:00")
    workflow_transition(instance=application, transition="submit", actor=citizen)
    workflow_transition(instance=application, transition="withdraw", actor=citizen)
    clock("2027-01-01T00:00")

    assert workflow_sla_sweep() == []
    application.refresh_from_db()
    assert application.sla_breached_at is None


def test_a_terminal_state_with_a_service_level_is_never_breached(
    clock: Clock, citizen: User, district_office: Organisation
) -> None:
    definition = licence_workflow()
    definition["states"]["withdrawn"]["sla_days"] = 1
    published = workflow_definition_publish(code="licence_sla", name_lo="ໃບ", name_en="Licence", definition=definition)
    instance = workflow_start(
        definition=published,
        subject_type="licence_application",
        subject_id="T",
        applicant=citizen,
        office=district_office,
    )
    clock("2026-04-10T09:00")
    workflow_transition(instance=instance, transition="withdraw", actor=citizen)
    assert (instance.is_terminal, instance.due_at) == (True, vientiane("2026-04-13T09:00"))
    clock("2027-01-01T00:00")

    assert workflow_sla_sweep() == []


def test_the_sweep_task_reports_how_many_were_breached(
    clock: Clock, application: WorkflowInstance, citizen: User
) -> None:
    clock("2026-04-10T09:00")
    workflow_transition(instance=application, transition="submit", actor=citizen)
    clock("2026-05-04T09:00")

    assert sla_sweep.call() == 1
    assert sla_sweep.call() == 0
