"""The shape of a workflow definition, and the checks a definition must pass before it is published.

    {
      "initial": "draft",
      "states": {
        "draft": {"name_lo": "…", "name_en": "Draft"},
        "submitted": {"name_lo": "…", "name_en": "Submitted", "sla_days": 5,
                      "on_enter": [{"action": "notify", "event": "submitted"}]},
        "approved": {"name_lo": "…", "name_en": "Approved", "terminal": true,
                     "on_enter": [{"action": "generate_document"}]}
      },
      "transitions": [
        {"code": "submit", "from": ["draft"], "to": "submitted", "by": "applicant",
         "name_lo": "…", "name_en": "Submit"},
        {"code": "approve", "from": ["submitted"], "to": "approved", "by": "staff", "roles": ["approver"],
         "name_lo": "…", "name_en": "Approve", "requires_reason": false, "required_fields": []}
      ]
    }

`by` is who may take a transition: the applicant, staff holding one of `roles` in the instance's office, or the
system (a payment callback, a timer). Actions are names looked up in a registry that domains fill at start-up.

A state may name `office: <resolver>`: on entering it the instance is handed to the office that resolver returns
(a line ministry asked for its opinion), and on leaving it the instance returns to its home office. The role
checks of transitions from that state apply in the resolved office. `sla_statutory: true` keeps a state's own
`sla_days` when a service sets its service level.
"""

from typing import Any

import jsonschema

_NAMES = {"name_lo": {"type": "string", "minLength": 1}, "name_en": {"type": "string", "minLength": 1}}

DEFINITION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["initial", "states", "transitions"],
    "additionalProperties": False,
    "properties": {
        "initial": {"type": "string"},
        "states": {
            "type": "object",
            "minProperties": 2,
            "additionalProperties": {
                "type": "object",
                "required": ["name_lo", "name_en"],
                "additionalProperties": False,
                "properties": {
                    **_NAMES,
                    "terminal": {"type": "boolean"},
                    "sla_days": {"type": ["integer", "null"], "minimum": 1},
                    # A deadline set for this stage (by law or by configuration): a service's own service level
                    # does not replace it.
                    "sla_statutory": {"type": "boolean"},
                    # The name of a registered office resolver: the state is worked on by the office it names.
                    "office": {"type": "string", "minLength": 1},
                    "on_enter": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["action"],
                            "properties": {"action": {"type": "string"}},
                        },
                    },
                },
            },
        },
        "transitions": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "from", "to", "by", "name_lo", "name_en"],
                "additionalProperties": False,
                "properties": {
                    **_NAMES,
                    "code": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
                    "from": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                    "to": {"type": "string"},
                    "by": {"enum": ["applicant", "staff", "system"]},
                    "roles": {"type": "array", "items": {"type": "string"}},
                    "requires_reason": {"type": "boolean"},
                    "required_fields": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}


def definition_errors(
    definition: Any, known_actions: set[str] | None = None, known_office_resolvers: set[str] | None = None
) -> list[str]:
    """Every problem with a definition, as sentences (empty when it is valid)."""
    validator = jsonschema.Draft202012Validator(DEFINITION_SCHEMA)
    errors = [f"{'/'.join(map(str, e.path)) or 'definition'}: {e.message}" for e in validator.iter_errors(definition)]
    if errors:
        return errors
    states = definition["states"]
    if definition["initial"] not in states:
        errors.append(f"initial state {definition['initial']!r} is not defined")
    codes: set[str] = set()
    for t in definition["transitions"]:
        if t["code"] in codes and any(
            set(t["from"]) & set(o["from"]) for o in definition["transitions"] if o is not t and o["code"] == t["code"]
        ):
            errors.append(f"transition {t['code']!r} is defined twice from the same state")
        codes.add(t["code"])
        for state in [*t["from"], t["to"]]:
            if state not in states:
                errors.append(f"transition {t['code']!r} names unknown state {state!r}")
        if t["by"] == "staff" and not t.get("roles"):
            errors.append(f"staff transition {t['code']!r} names no roles")
        for state in t["from"]:
            if states.get(state, {}).get("terminal"):
                errors.append(f"transition {t['code']!r} leaves terminal state {state!r}")
    reachable, frontier = {definition["initial"]}, [definition["initial"]]
    while frontier:
        current = frontier.pop()
        for t in definition["transitions"]:
            if current in t["from"] and t["to"] not in reachable:
                reachable.add(t["to"])
                frontier.append(t["to"])
    for state in states:
        if state not in reachable:
            errors.append(f"state {state!r} cannot be reached from {definition['initial']!r}")
    if not any(s.get("terminal") for s in states.values()):
        errors.append("no terminal state: work could never finish")
    if known_actions is not None:
        for code, state in states.items():
            for action in state.get("on_enter", []):
                if action["action"] not in known_actions:
                    errors.append(f"state {code!r} uses unknown action {action['action']!r}")
    if known_office_resolvers is not None:
        for code, state in states.items():
            if "office" in state and state["office"] not in known_office_resolvers:
                errors.append(f"state {code!r} uses unknown office resolver {state['office']!r}")
    for code, state in states.items():
        if "office" in state and (code == definition["initial"] or state.get("terminal")):
            errors.append(f"state {code!r} cannot name an office: only a working state between others can")
    return errors
