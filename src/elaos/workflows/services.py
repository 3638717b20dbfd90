"""Writes of the workflow engine. Every status change of any workflow goes through workflow_transition."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from elaos.agencies.access import has_role
from elaos.agencies.models import Organisation
from elaos.core.audit import audit_record
from elaos.core.events import emit
from elaos.workflows.actions import known_actions, known_office_resolvers, resolve_office, run_actions
from elaos.workflows.definition import definition_errors
from elaos.workflows.models import WorkflowDefinition, WorkflowInstance, WorkflowTransition
from elaos.workflows.working_days import add_working_days

logger = logging.getLogger(__name__)


class TransitionNotAllowed(Exception):
    """The move does not exist from the current state, or this actor may not make it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConcurrentUpdate(TransitionNotAllowed):
    """Someone else changed the instance after the actor's page was drawn."""


@transaction.atomic
def workflow_definition_publish(*, code: str, name_lo: str, name_en: str, definition: dict) -> WorkflowDefinition:
    """Publish a definition: a new version when it differs from the latest, the latest when it is the same."""
    errors = definition_errors(definition, known_actions(), known_office_resolvers())
    if errors:
        raise ValidationError(errors)
    latest = WorkflowDefinition.objects.select_for_update().filter(code=code).order_by("-version").first()
    if latest is not None and latest.definition == definition:
        return latest
    published = WorkflowDefinition.objects.create(
        code=code,
        version=(latest.version + 1) if latest else 1,
        name_lo=name_lo,
        name_en=name_en,
        definition=definition,
    )
    audit_record(action="workflow.publish", obj=published, data={"code": code, "version": published.version})
    return published


@transaction.atomic
def workflow_start(
    *,
    definition: WorkflowDefinition,
    subject_type: str,
    subject_id: str,
    applicant: Any = None,
    office: Organisation | None = None,
    actor: Any = None,
) -> WorkflowInstance:
    now = timezone.now()
    initial = definition.definition["initial"]
    instance = WorkflowInstance.objects.create(
        definition=definition,
        subject_type=subject_type,
        subject_id=subject_id,
        applicant=applicant,
        office=office,
        state=initial,
        state_entered_at=now,
        due_at=_due(definition, initial, now),
        is_terminal=definition.is_terminal(initial),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(actor=actor, action="workflow.start", obj=instance, data={"state": initial})
    run_actions(instance, definition.state(initial).get("on_enter", []), None)
    return instance


def _due(definition: WorkflowDefinition, state: str, entered: Any) -> Any:
    days = definition.state(state).get("sla_days")
    return add_working_days(entered, days) if days else None


def transition_allowed_for(instance: WorkflowInstance, spec: dict, actor: Any, *, system: bool = False) -> bool:
    if spec["by"] == "system":
        return system
    if not getattr(actor, "is_authenticated", False):
        return False
    if spec["by"] == "applicant":
        return instance.applicant_id is not None and instance.applicant_id == actor.pk
    return instance.office is not None and any(has_role(actor, role, instance.office) for role in spec["roles"])


def _find(instance: WorkflowInstance, code: str) -> dict | None:
    for spec in instance.definition.definition["transitions"]:
        if spec["code"] == code and instance.state in spec["from"]:
            return spec
    return None


@transaction.atomic
def workflow_transition(
    *,
    instance: WorkflowInstance,
    transition: str,
    actor: Any,
    reason: str = "",
    data: dict | None = None,
    expected_version: int | None = None,
    system: bool = False,
    subject: Any = None,
) -> WorkflowInstance:
    """Make one move. The row lock makes two officers acting at once take turns; the second finds the state
    moved on (or the version changed) and gets a clear message instead of a second move.

    `subject` is the object the instance is about (an application), when the caller has it loaded and locked
    already: the actions run on entering the new state find it as `instance.subject` instead of reading it
    again. The caller's `instance` is updated in place to the moved-on state."""
    # Lock only the instance row: PostgreSQL refuses FOR UPDATE on the nullable side of the office join, and
    # locking the shared definition row would make every move of that workflow wait for each other.
    locked = (
        WorkflowInstance.objects.select_for_update(of=("self",))
        .select_related("definition", "office", "applicant")
        .get(pk=instance.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentUpdate(_("Someone else changed this just now. Look at its new status before acting."))
    spec = _find(locked, transition)
    if spec is None:
        raise TransitionNotAllowed(_("This action is not possible in the current status."))
    if not transition_allowed_for(locked, spec, actor, system=system):
        raise PermissionDenied(_("You may not take this action here."))
    reason = (reason or "").strip()
    if spec.get("requires_reason") and not reason:
        raise ValidationError({"reason": _("Give a reason for this action.")})
    data = data or {}
    missing = [f for f in spec.get("required_fields", []) if not str(data.get(f, "")).strip()]
    if missing:
        raise ValidationError({f: _("This field is required.") for f in missing})
    now = timezone.now()
    history = WorkflowTransition.objects.create(
        instance=locked,
        transition=transition,
        from_state=locked.state,
        to_state=spec["to"],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason,
        data=data,
    )
    office_moves = _hand_over(locked, spec["to"])
    locked.state, locked.state_entered_at = spec["to"], now
    locked.due_at, locked.sla_breached_at = _due(locked.definition, spec["to"], now), None
    locked.is_terminal = locked.definition.is_terminal(spec["to"])
    locked.version += 1
    locked.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.save()
    audit_record(
        actor=actor,
        action=f"workflow.{transition}",
        obj=locked,
        data={
            "from": history.from_state,
            "to": history.to_state,
            "reason": reason,
            "subject": f"{locked.subject_type}:{locked.subject_id}",
            **office_moves,
        },
    )
    emit(
        "application.status_changed",
        {
            "subject_type": locked.subject_type,
            "subject_id": locked.subject_id,
            "from": history.from_state,
            "to": history.to_state,
            "person": str(locked.applicant.public_id) if locked.applicant_id else None,
        },
    )
    if subject is not None:
        locked.subject = subject
    run_actions(locked, locked.definition.state(spec["to"]).get("on_enter", []), history)
    _copy_into(instance, locked)
    return locked


def _copy_into(instance: WorkflowInstance, locked: WorkflowInstance) -> None:
    """Bring the caller's copy of the instance up to date with the moved-on row, without reading it again."""
    if instance is locked:
        return
    for field in WorkflowInstance._meta.concrete_fields:
        setattr(instance, field.attname, getattr(locked, field.attname))
    instance._state.fields_cache = dict(locked._state.fields_cache)


def _hand_over(locked: WorkflowInstance, to_state: str) -> dict[str, str]:
    """Move the instance to the office of the state it enters: the office its resolver names, or back home when it
    leaves such a state. Returns what changed, for the audit row. A state whose office cannot be found stops the
    move: nobody could act on it."""
    target = locked.definition.state(to_state).get("office")
    if target:
        office = resolve_office(target, locked)
        if office is None:
            raise ValidationError(_("No office could be found to take this work on."))
        if locked.home_office_id is None:
            locked.home_office = locked.office
    elif locked.home_office_id is not None:
        office, locked.home_office = locked.home_office, None
    else:
        return {}
    if office.pk == locked.office_id:
        return {}
    # The officer who had the work belongs to the office it leaves.
    locked.office, locked.assigned_to = office, None
    return {"office": office.code}


@transaction.atomic
def workflow_route(*, instance: WorkflowInstance, office: Organisation, actor: Any) -> WorkflowInstance:
    """Send the work to another office (an application routed by its form when it is sent), with an audit row."""
    locked = WorkflowInstance.objects.select_for_update(of=("self",)).select_related("office").get(pk=instance.pk)
    if locked.office_id == office.pk:
        return locked
    previous = locked.office.code if locked.office else ""
    locked.office, locked.assigned_to = office, None
    locked.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.save(update_fields=["office", "assigned_to", "updated_by", "updated_at"])
    audit_record(actor=actor, action="workflow.route", obj=locked, data={"from": previous, "to": office.code})
    _copy_into(instance, locked)
    return locked


@transaction.atomic
def workflow_claim(*, instance: WorkflowInstance, actor: Any) -> WorkflowInstance:
    """An officer takes the work; refused when someone else already has it."""
    locked = WorkflowInstance.objects.select_for_update(of=("self",)).select_related("office").get(pk=instance.pk)
    if locked.office is None or not _holds_any_role(actor, locked):
        raise PermissionDenied(_("You may not take this action here."))
    if locked.is_terminal:
        raise TransitionNotAllowed(_("This work is finished."))
    if locked.assigned_to_id not in (None, actor.pk):
        raise TransitionNotAllowed(_("Another officer has already taken this."))
    return _assign(locked, actor, actor)


@transaction.atomic
def workflow_assign(*, instance: WorkflowInstance, assignee: Any, actor: Any) -> WorkflowInstance:
    """An office administrator hands the work to an officer of the same office."""
    locked = WorkflowInstance.objects.select_for_update(of=("self",)).select_related("office").get(pk=instance.pk)
    if locked.office is None or not has_role(actor, "office_admin", locked.office):
        raise PermissionDenied(_("You may not take this action here."))
    if not _holds_any_role(assignee, locked):
        raise ValidationError(_("This person holds no role in this office."))
    return _assign(locked, assignee, actor)


def _holds_any_role(user: Any, instance: WorkflowInstance) -> bool:
    from elaos.agencies.access import active_assignments

    return active_assignments(user).filter(organisation=instance.office).exists()


def _assign(locked: WorkflowInstance, assignee: Any, actor: Any) -> WorkflowInstance:
    locked.assigned_to, locked.updated_by = assignee, actor
    locked.version += 1
    locked.save(update_fields=["assigned_to", "updated_by", "version", "updated_at"])
    audit_record(actor=actor, action="workflow.assign", obj=locked, data={"assignee": str(assignee.public_id)})
    return locked


@transaction.atomic
def workflow_sla_sweep() -> list[WorkflowInstance]:
    """Mark instances past their due time and run the `sla_breached` actions (escalation) once for each."""
    breached = list(
        WorkflowInstance.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("definition")
        .filter(is_terminal=False, due_at__lt=timezone.now(), sla_breached_at__isnull=True)
    )
    marked = []
    for instance in breached:
        # Each escalation in its own savepoint: one failing handler must not stop every later sweep.
        try:
            with transaction.atomic():
                instance.sla_breached_at = timezone.now()
                instance.save(update_fields=["sla_breached_at", "updated_at"])
                audit_record(action="workflow.sla_breached", obj=instance, data={"state": instance.state})
                run_actions(instance, [{"action": "sla_breached"}], None)
        except Exception:
            logger.exception("escalation failed for %s", instance)
            continue
        marked.append(instance)
    return marked
