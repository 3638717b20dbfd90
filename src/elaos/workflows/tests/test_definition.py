"""The checks a definition must pass before it is published: each mistake gets its own sentence."""

from collections.abc import Callable

import pytest

from conftest import licence_workflow
from elaos.workflows.definition import definition_errors


def transition(definition: dict, code: str) -> dict:
    return next(t for t in definition["transitions"] if t["code"] == code)


def test_a_good_definition_has_no_errors() -> None:
    assert definition_errors(licence_workflow()) == []
    assert definition_errors(licence_workflow(), known_actions=set()) == []


def without_initial(d: dict) -> None:
    del d["initial"]


def initial_not_a_state(d: dict) -> None:
    d["initial"] = "nowhere"


def to_unknown_state(d: dict) -> None:
    transition(d, "approve")["to"] = "archived"


def from_unknown_state(d: dict) -> None:
    transition(d, "submit")["from"] = ["draft", "limbo"]


def staff_without_roles(d: dict) -> None:
    del transition(d, "approve")["roles"]


def staff_with_empty_roles(d: dict) -> None:
    transition(d, "approve")["roles"] = []


def leaves_terminal_state(d: dict) -> None:
    transition(d, "submit")["from"] = ["draft", "returned", "rejected"]


def unreachable_state(d: dict) -> None:
    d["states"]["appealed"] = {"name_lo": "ອຸທອນ", "name_en": "Appealed"}


def no_terminal_state(d: dict) -> None:
    for state in d["states"].values():
        state.pop("terminal", None)


def bad_transition_code(d: dict) -> None:
    transition(d, "approve")["code"] = "Approve-Now"


def same_code_twice_from_one_state(d: dict) -> None:
    d["transitions"].append({**transition(d, "approve"), "to": "rejected"})


def unknown_by(d: dict) -> None:
    transition(d, "approve")["by"] = "minister"


@pytest.mark.parametrize(
    ("break_it", "expected"),
    [
        (without_initial, "definition: 'initial' is a required property"),
        (initial_not_a_state, "initial state 'nowhere' is not defined"),
        (to_unknown_state, "transition 'approve' names unknown state 'archived'"),
        (from_unknown_state, "transition 'submit' names unknown state 'limbo'"),
        (staff_without_roles, "staff transition 'approve' names no roles"),
        (staff_with_empty_roles, "staff transition 'approve' names no roles"),
        (leaves_terminal_state, "transition 'submit' leaves terminal state 'rejected'"),
        (unreachable_state, "state 'appealed' cannot be reached from 'draft'"),
        (no_terminal_state, "no terminal state: work could never finish"),
        (bad_transition_code, "transitions/4/code: 'Approve-Now' does not match '^[a-z][a-z0-9_]*$'"),
        (same_code_twice_from_one_state, "transition 'approve' is defined twice from the same state"),
        (unknown_by, "transitions/4/by: 'minister' is not one of ['applicant', 'staff', 'system']"),
    ],
)
def test_each_mistake_gets_its_own_error(break_it: Callable[[dict], None], expected: str) -> None:
    definition = licence_workflow()
    break_it(definition)

    assert expected in definition_errors(definition)


def test_an_unknown_action_is_reported_when_the_known_actions_are_given() -> None:
    definition = licence_workflow()
    definition["states"]["issued"]["on_enter"] = [{"action": "generate_document"}, {"action": "send_pigeon"}]

    assert definition_errors(definition, known_actions={"generate_document"}) == [
        "state 'issued' uses unknown action 'send_pigeon'"
    ]
    assert definition_errors(definition) == []


def test_a_non_object_is_refused_without_crashing() -> None:
    assert definition_errors(["draft", "approved"]) == ["definition: ['draft', 'approved'] is not of type 'object'"]


def test_the_same_code_from_different_states_is_allowed() -> None:
    definition = licence_workflow()
    definition["transitions"].append({**transition(definition, "withdraw"), "from": ["in_review"]})

    assert definition_errors(definition) == []
