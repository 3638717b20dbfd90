from typing import Any

from django.db.models import F, QuerySet

from elaos.agencies.access import active_assignments
from elaos.workflows.models import WorkflowInstance, WorkflowTransition
from elaos.workflows.services import transition_allowed_for


def available_transitions(*, instance: WorkflowInstance, actor: Any, by: str | None = None) -> list[dict]:
    """The moves this actor may make now, in definition order; with `by` ("applicant", "staff"), only the moves
    made by that side (an applicant's page need not ask the database which office roles its reader holds)."""
    return [
        spec
        for spec in instance.definition.definition["transitions"]
        if instance.state in spec["from"]
        and (by is None or spec["by"] == by)
        and transition_allowed_for(instance, spec, actor)
    ]


def office_queue(
    *, actor: Any, state: str | None = None, subject_type: str | None = None
) -> QuerySet[WorkflowInstance]:
    """Open work in the offices where the actor holds a role: never anything from another office."""
    offices = active_assignments(actor).values("organisation")
    qs = (
        WorkflowInstance.objects.active()
        .filter(office__in=offices, is_terminal=False)
        .select_related("definition", "office", "assigned_to", "applicant")
        # Work without a deadline goes last on every database (SQLite would put NULL first, PostgreSQL last).
        .order_by(F("due_at").asc(nulls_last=True), "created_at")
    )
    if state:
        qs = qs.filter(state=state)
    if subject_type:
        qs = qs.filter(subject_type=subject_type)
    return qs


def instance_for_subject(*, subject_type: str, subject_id: str) -> WorkflowInstance | None:
    return (
        WorkflowInstance.objects.select_related("definition", "office", "assigned_to")
        .filter(subject_type=subject_type, subject_id=subject_id)
        .first()
    )


def history(instance: WorkflowInstance) -> QuerySet[WorkflowTransition]:
    return instance.history.select_related("actor").order_by("at", "id")


def state_name(instance: WorkflowInstance, language: str | None = None) -> str:
    from elaos.core.lao import localized

    class _S:
        def __init__(self, d: dict) -> None:
            self.name_lo, self.name_en = d["name_lo"], d["name_en"]

    return localized(_S(instance.definition.state(instance.state)), "name", language=language)
