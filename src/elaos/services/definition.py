"""A service definition is data (YAML or JSON), validated here before it can be published.

code: certificate-of-residence
agency: moha                       # organisation code of the responsible agency
offices: [moha-vte-chanthabouly]   # offices that handle applications (routed by the applicant's area)
categories: [identity]             # category codes
life_events: [moving-house]
name_lo / name_en, summary_lo / summary_en, description_lo / description_en
eligibility_lo / eligibility_en    # who may apply
legal_basis_lo / legal_basis_en
sla_days: 5                        # service level in working days
channels: [online, office]
fees: [{code: standard, name_lo: …, name_en: …, amount_kip: 20000}]   # integer kip; [] when free
documents:                         # what the applicant uploads
  - {code: id_card, name_lo: …, name_en: …, required: true, types: [pdf, jpeg, png], max_mb: 5}
form:
  schema: {type: object, required: [...], properties: {...}}         # JSON Schema (draft 2020-12)
  ui: {field: {label_lo, label_en, help_lo, help_en, widget: textarea|select|date, order}}
workflow: certificate-with-fee     # a workflow from the library (services/workflows/*.yaml) …
routing:                           # optional: the office chosen by a form field when the application is sent
  field: level                     # a form field with an enum; each value has a rule (values without one keep
  rules:                           # the default routing by the applicant's area)
    national: {office: moha-npa}                                        # a named office
    provincial: {kind: provincial, parent: moha, area_field: province}  # the ministry's provincial department of
    district: {kind: district, parent: moha, area_field: district}      # the province/district code in that field,
                                                                        # else the office one level up, else default
output:                            # the document issued on approval
  type: residence-certificate
  title_lo / title_en
  template: services/documents/certificate.html
  fields: [address, purpose]       # form fields printed on it
"""

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from elaos.workflows.definition import definition_errors

WORKFLOW_LIBRARY = Path(__file__).resolve().parent / "workflows"
DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"

FIELD_TYPES = {"string", "integer", "number", "boolean"}
UPLOAD_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}

_BILINGUAL = {"type": "string", "minLength": 1}
SERVICE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["code", "agency", "name_lo", "name_en", "summary_lo", "summary_en", "form", "workflow", "sla_days"],
    "properties": {
        "code": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{2,79}$"},
        "agency": {"type": "string"},
        "offices": {"type": "array", "items": {"type": "string"}},
        "categories": {"type": "array", "items": {"type": "string"}},
        "life_events": {"type": "array", "items": {"type": "string"}},
        "name_lo": _BILINGUAL,
        "name_en": _BILINGUAL,
        "summary_lo": _BILINGUAL,
        "summary_en": _BILINGUAL,
        "description_lo": {"type": "string"},
        "description_en": {"type": "string"},
        "eligibility_lo": {"type": "string"},
        "eligibility_en": {"type": "string"},
        "legal_basis_lo": {"type": "string"},
        "legal_basis_en": {"type": "string"},
        "sla_days": {"type": "integer", "minimum": 1, "maximum": 365},
        "channels": {"type": "array", "items": {"enum": ["online", "office", "post"]}},
        "fees": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "name_lo", "name_en", "amount_kip"],
                "properties": {"amount_kip": {"type": "integer", "minimum": 0}},
            },
        },
        "documents": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "name_lo", "name_en"],
                "properties": {
                    "code": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
                    "required": {"type": "boolean"},
                    "types": {"type": "array", "items": {"enum": sorted(UPLOAD_TYPES)}},
                    "max_mb": {"type": "number", "exclusiveMinimum": 0, "maximum": 20},
                },
            },
        },
        "form": {
            "type": "object",
            "required": ["schema"],
            "properties": {"schema": {"type": "object"}, "ui": {"type": "object"}},
        },
        "workflow": {"type": ["string", "object"]},
        "routing": {
            "type": "object",
            "required": ["field", "rules"],
            "additionalProperties": False,
            "properties": {
                "field": {"type": "string"},
                "rules": {
                    "type": "object",
                    "minProperties": 1,
                    "additionalProperties": {
                        "oneOf": [
                            {
                                "type": "object",
                                "required": ["office"],
                                "additionalProperties": False,
                                "properties": {"office": {"type": "string"}},
                            },
                            {
                                "type": "object",
                                "required": ["kind", "parent", "area_field"],
                                "additionalProperties": False,
                                "properties": {
                                    "kind": {"enum": ["provincial", "district"]},
                                    "parent": {"type": "string"},
                                    "area_field": {"type": "string"},
                                },
                            },
                        ]
                    },
                },
            },
        },
        "output": {
            "type": "object",
            "required": ["type", "title_lo", "title_en"],
            "properties": {"fields": {"type": "array", "items": {"type": "string"}}},
        },
    },
}


def load_file(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) if path.suffix in {".yaml", ".yml"} else json.load(fh)
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: a service definition is a mapping")
    return data


def library_workflow(code: str) -> dict[str, Any]:
    path = WORKFLOW_LIBRARY / f"{code}.yaml"
    if not path.exists():
        raise KeyError(code)
    return load_file(path)


def resolve_workflow(definition: dict[str, Any]) -> dict[str, Any]:
    """The concrete workflow of a service: the library one (or the inline one) with the service's own service
    level on every state that has a service level."""
    workflow = definition["workflow"]
    concrete = library_workflow(workflow) if isinstance(workflow, str) else workflow
    concrete = copy.deepcopy(concrete)
    for state in concrete["states"].values():
        if state.get("sla_days") and not state.get("sla_statutory"):
            state["sla_days"] = definition["sla_days"]
    return concrete


def workflow_stages(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    """The states with a deadline, in the order work reaches them (PostgreSQL does not keep the order of a JSON
    object's keys, so it is read from the transitions)."""
    order, frontier = [workflow["initial"]], [workflow["initial"]]
    while frontier:
        current = frontier.pop(0)
        for transition in workflow["transitions"]:
            if current in transition["from"] and transition["to"] not in order:
                order.append(transition["to"])
                frontier.append(transition["to"])
    states = workflow["states"]
    return [{"code": code, **states[code]} for code in order if code in states and states[code].get("sla_days")]


def routing_errors(definition: dict[str, Any], known_organisations: set[str] | None) -> list[str]:
    routing = definition.get("routing")
    if not routing:
        return []
    errors = []
    properties = definition["form"]["schema"]["properties"]
    field = properties.get(routing["field"])
    if field is None or "enum" not in field:
        return [f"routing/field: {routing['field']!r} is not a form field with choices"]
    for value, rule in routing["rules"].items():
        where = f"routing/rules/{value}"
        if value not in field["enum"]:
            errors.append(f"{where}: {value!r} is not a choice of {routing['field']!r}")
        if "area_field" in rule and rule["area_field"] not in properties:
            errors.append(f"{where}: {rule['area_field']!r} is not a form field")
        for key in ("office", "parent"):
            if key in rule and known_organisations is not None and rule[key] not in known_organisations:
                errors.append(f"{where}: unknown organisation {rule[key]!r}")
    return errors


def service_errors(definition: Any, *, known: dict[str, set[str]] | None = None) -> list[str]:
    """Every problem with a service definition. `known` holds the codes that exist: organisations, categories,
    life_events, actions."""
    validator = jsonschema.Draft202012Validator(SERVICE_SCHEMA)
    errors = [f"{'/'.join(map(str, e.path)) or 'definition'}: {e.message}" for e in validator.iter_errors(definition)]
    if errors:
        return errors
    form_schema = definition["form"]["schema"]
    try:
        jsonschema.Draft202012Validator.check_schema(form_schema)
    except jsonschema.SchemaError as exc:
        errors.append(f"form/schema: {exc.message}")
        return errors
    if form_schema.get("type") != "object" or not isinstance(form_schema.get("properties"), dict):
        errors.append("form/schema: must be an object with properties")
        return errors
    for name, prop in form_schema["properties"].items():
        if prop.get("type") not in FIELD_TYPES:
            errors.append(f"form/schema/properties/{name}: type must be one of {sorted(FIELD_TYPES)}")
    for name in form_schema.get("required", []):
        if name not in form_schema["properties"]:
            errors.append(f"form/schema/required: {name!r} is not a property")
    for name in definition["form"].get("ui", {}):
        if name not in form_schema["properties"]:
            errors.append(f"form/ui: {name!r} is not a property")
    for name in definition.get("output", {}).get("fields", []):
        if name not in form_schema["properties"]:
            errors.append(f"output/fields: {name!r} is not a form field")
    try:
        workflow = resolve_workflow(definition)
    except KeyError as exc:
        errors.append(f"workflow: no workflow {exc.args[0]!r} in the library")
    else:
        errors += [
            f"workflow: {e}"
            for e in definition_errors(workflow, (known or {}).get("actions"), (known or {}).get("office_resolvers"))
        ]
        fee = sum(f["amount_kip"] for f in definition.get("fees", []))
        has_payment_state = any(
            a.get("action") == "require_payment"
            for s in workflow.get("states", {}).values()
            for a in s.get("on_enter", [])
        )
        if fee and not has_payment_state:
            errors.append("workflow: the service has a fee but its workflow never asks for payment")
        if not fee and has_payment_state:
            errors.append("workflow: the service is free but its workflow asks for payment")
    errors += routing_errors(definition, (known or {}).get("organisations"))
    if known:
        checks = [
            ("agency", [definition["agency"]], "organisations"),
            ("offices", definition.get("offices", []), "organisations"),
            ("categories", definition.get("categories", []), "categories"),
            ("life_events", definition.get("life_events", []), "life_events"),
        ]
        for field, codes, kind in checks:
            for code in codes:
                if kind in known and code not in known[kind]:
                    errors.append(f"{field}: unknown {kind[:-1].replace('_', ' ')} {code!r}")
    return errors
