"""A state naming `office: <resolver>` hands the work to the office a registered resolver returns; leaving it hands
the work back to the home office. Roles are checked in whichever office holds the work."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import OrganisationFactory, licence_workflow, staff_with_role
from elaos.accounts.models import User
from elaos.agencies.models import Organisation
from elaos.core.audit import audit_events_for
from elaos.workflows.actions import known_office_resolvers, register_office_resolver
from elaos.workflows.definition import definition_errors
from elaos.workflows.models import WorkflowInstance
from elaos.workflows.services import (
    TransitionNotAllowed,
    workflow_definition_publish,
    workflow_route,
    workflow_start,
    workflow_transition,
)

SUBJECT_TYPE = "test.opinion_subject"
# The resolver answers from this mapping, filled by each test: subject_id -> office (or None).
CONSULTED: dict[str, Organisation | None] = {}


def consulted_office(*, instance: Any) -> Organisation | None:
    return CONSULTED.get(instance.subject_id)


register_office_resolver("consulted", consulted_office, subject_type=SUBJECT_TYPE)


def opinion_workflow() -> dict:
    definition = licence_workflow()
    definition["states"]["opinion"] = {"name_lo": "ຄຳເຫັນ", "name_en": "Opinion", "office": "consulted", "sla_days": 15}
    definition["transitions"] += [
        {
            "code": "ask_opinion",
            "from": ["in_review"],
            "to": "opinion",
            "by": "staff",
            "roles": ["reviewer"],
            "name_lo": "ຂໍຄຳເຫັນ",
            "name_en": "Ask",
        },
        {
            "code": "give_opinion",
            "from": ["opinion"],
            "to": "in_review",
            "by": "staff",
            "roles": ["approver"],
            "requires_reason": True,
            "name_lo": "ໃຫ້ຄຳເຫັນ",
            "name_en": "Give",
        },
    ]
    return definition


@pytest.fixture
def ministry_of_health(db: None) -> Organisation:
    return OrganisationFactory(code="moh", name_lo="ກະຊວງສາທາລະນະສຸກ", name_en="Ministry of Health")


@pytest.fixture
def in_review(citizen: User, officer: User, district_office: Organisation) -> WorkflowInstance:
    definition = workflow_definition_publish(
        code="opinion", name_lo="ຄຳເຫັນ", name_en="Opinion", definition=opinion_workflow()
    )
    instance = workflow_start(
        definition=definition,
        subject_type=SUBJECT_TYPE,
        subject_id="OP-1",
        applicant=citizen,
        office=district_office,
        actor=citizen,
    )
    workflow_transition(instance=instance, transition="submit", actor=citizen)
    return workflow_transition(instance=instance, transition="start_review", actor=officer)


def test_the_resolved_office_holds_the_work_and_hands_it_back(
    in_review: WorkflowInstance, officer: User, district_office: Organisation, ministry_of_health: Organisation
) -> None:
    CONSULTED["OP-1"] = ministry_of_health
    opinion_giver = staff_with_role("approver", ministry_of_health, email="opinion@moh.gov.la")

    asked = workflow_transition(instance=in_review, transition="ask_opinion", actor=officer)

    assert (asked.state, asked.office, asked.home_office) == ("opinion", ministry_of_health, district_office)
    assert asked.due_at is not None
    assert audit_events_for(asked).last().data["office"] == "moh"
    with pytest.raises(ValidationError):
        workflow_transition(instance=asked, transition="give_opinion", actor=opinion_giver, reason="")

    back = workflow_transition(instance=asked, transition="give_opinion", actor=opinion_giver, reason="ເຫັນດີ")

    assert (back.state, back.office, back.home_office) == ("in_review", district_office, None)
    assert back.history.last().reason == "ເຫັນດີ"


def test_the_home_office_cannot_act_for_the_resolved_one_nor_the_reverse(
    in_review: WorkflowInstance, officer: User, approver: User, ministry_of_health: Organisation
) -> None:
    CONSULTED["OP-1"] = ministry_of_health
    opinion_giver = staff_with_role("approver", ministry_of_health, email="opinion@moh.gov.la")
    asked = workflow_transition(instance=in_review, transition="ask_opinion", actor=officer)

    with pytest.raises(PermissionDenied):
        workflow_transition(instance=asked, transition="give_opinion", actor=approver, reason="ເຫັນດີ")
    back = workflow_transition(instance=asked, transition="give_opinion", actor=opinion_giver, reason="ເຫັນດີ")
    with pytest.raises(PermissionDenied):
        workflow_transition(instance=back, transition="approve", actor=opinion_giver)
    assert workflow_transition(instance=back, transition="approve", actor=approver).state == "awaiting_payment"


def test_another_office_is_refused(
    in_review: WorkflowInstance, officer: User, other_district_office: Organisation, ministry_of_health: Organisation
) -> None:
    CONSULTED["OP-1"] = ministry_of_health
    asked = workflow_transition(instance=in_review, transition="ask_opinion", actor=officer)
    stranger = staff_with_role("approver", other_district_office, email="stranger@gov.la")

    with pytest.raises(PermissionDenied):
        workflow_transition(instance=asked, transition="give_opinion", actor=stranger, reason="ເຫັນດີ")


def test_no_office_found_stops_the_move(in_review: WorkflowInstance, officer: User) -> None:
    CONSULTED["OP-1"] = None

    with pytest.raises(ValidationError):
        workflow_transition(instance=in_review, transition="ask_opinion", actor=officer)

    assert WorkflowInstance.objects.get(pk=in_review.pk).state == "in_review"


def test_an_unknown_resolver_or_one_on_the_initial_state_is_refused(db: None) -> None:
    definition = opinion_workflow()
    definition["states"]["opinion"]["office"] = "nobody"
    definition["states"]["draft"]["office"] = "consulted"

    errors = definition_errors(definition, None, known_office_resolvers())

    assert "state 'opinion' uses unknown office resolver 'nobody'" in errors
    assert any("'draft' cannot name an office" in e for e in errors)
    with pytest.raises(ValidationError):
        workflow_definition_publish(code="bad", name_lo="ບໍ່ດີ", name_en="Bad", definition=definition)


def test_route_moves_the_work_with_an_audit_row(
    in_review: WorkflowInstance, officer: User, other_district_office: Organisation
) -> None:
    moved = workflow_route(instance=in_review, office=other_district_office, actor=officer)

    assert moved.office == other_district_office
    assert audit_events_for(moved).last().action == "workflow.route"
    with pytest.raises((PermissionDenied, TransitionNotAllowed)):
        workflow_transition(instance=moved, transition="approve", actor=officer)
