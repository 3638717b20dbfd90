"""Writes of the NPA register: registration (from an approved application), status changes with their reasons,
annual reports. Each writes its audit event in the same transaction and keeps the search index in step."""

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from elaos.civil_society.access import can_manage_register, is_npa_admin
from elaos.civil_society.models import (
    AnnualReport,
    AnnualReportIncome,
    AnnualReportOverdue,
    AnnualReportSpending,
    Npa,
    NpaMembership,
    NpaOfficer,
    NpaProject,
    NpaProjectSubmission,
    NpaStatusChange,
    annual_report_deadline,
)
from elaos.civil_society.selectors import (
    PROJECT_SUBJECT_TYPE,
    SEARCH_KIND,
    missing_report_years,
    name_key,
    name_words,
    npa_name_available,
)
from elaos.core.audit import audit_record
from elaos.core.events import emit
from elaos.core.lao import format_date
from elaos.notifications.models import Message
from elaos.notifications.services import email_send, sms_send
from elaos.search.services import search_index
from elaos.workflows.selectors import instance_for_subject
from elaos.workflows.services import (
    TransitionNotAllowed,
    workflow_definition_publish,
    workflow_start,
    workflow_transition,
)

# Which status may follow which. Dissolution is final: Decree 238 gives no appeal against it.
ALLOWED_MOVES = {
    (Npa.Status.ACTIVE, Npa.Status.SUSPENDED),
    (Npa.Status.SUSPENDED, Npa.Status.ACTIVE),
    (Npa.Status.ACTIVE, Npa.Status.DISSOLVED),
    (Npa.Status.SUSPENDED, Npa.Status.DISSOLVED),
}
ACTIONS = {"suspend": Npa.Status.SUSPENDED, "reinstate": Npa.Status.ACTIVE, "dissolve": Npa.Status.DISSOLVED}
REGISTRATION_NUMBER = re.compile(r"^NPA-(\d{4})-(\d{4,})$")


def npa_index(npa: Npa) -> None:
    """Derive the name-check keys and rewrite the search entry. Call after every change of a name or objectives."""
    npa.name_lo_key = name_key(npa.name_lo)
    npa.name_en_key = name_key(npa.name_en) if npa.name_en else ""
    npa.name_words = " ".join(dict.fromkeys(name_words(f"{npa.name_lo}\n{npa.name_en}\n{npa.abbreviation}")))
    Npa.objects.filter(pk=npa.pk).update(
        name_lo_key=npa.name_lo_key, name_en_key=npa.name_en_key, name_words=npa.name_words
    )
    search_index(
        kind=SEARCH_KIND,
        key=npa.registration_number,
        title_lo=npa.name_lo,
        title_en=" ".join(p for p in (npa.name_en, npa.abbreviation) if p),
        body_lo=npa.objectives_lo,
        body_en=npa.objectives_en,
        url=reverse("npas:profile", args=[npa.registration_number]),
    )


def next_registration_number(year: int) -> str:
    numbers = Npa.objects.filter(registration_number__startswith=f"NPA-{year}-").values_list(
        "registration_number", flat=True
    )
    last = max((int(m.group(2)) for n in numbers if (m := REGISTRATION_NUMBER.match(n))), default=0)
    return f"NPA-{year}-{last + 1:04d}"


@dataclass(frozen=True)
class OfficerIn:
    name_lo: str
    role: str
    name_latin: str = ""


@transaction.atomic
def npa_create(
    *,
    actor: Any,
    name_lo: str,
    type: str,
    level: str,
    registered_on: Any = None,
    officers: list[OfficerIn] | None = None,
    source_application_id: Any = None,
    **fields: Any,
) -> Npa:
    """Enter an association in the register, active, with the next registration number of its year. A name that
    the register already holds (after normalisation, in Lao or English) is refused."""
    registered_on = registered_on or timezone.localdate()
    taken = [s for s in npa_name_available(name_lo=name_lo, name_en=fields.get("name_en")) if s.exact]
    if taken:
        raise ValidationError(
            {"name_lo": _("This name is already registered: %(number)s.") % {"number": taken[0].registration_number}}
        )
    for _attempt in range(5):
        npa = Npa(
            registration_number=next_registration_number(registered_on.year),
            name_lo=name_lo,
            type=type,
            level=level,
            registered_on=registered_on,
            status=Npa.Status.ACTIVE,
            source_application_id=source_application_id,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            **fields,
        )
        # Uniqueness is the database's to enforce: a number taken meanwhile is retried below.
        npa.full_clean(validate_unique=False)
        try:
            with transaction.atomic():
                npa.save()
            break
        except IntegrityError:
            # Another registration took the number (or this application is already registered: checked by caller).
            continue
    else:
        raise RuntimeError("could not allocate a registration number")
    for officer in officers or []:
        row = NpaOfficer(npa=npa, name_lo=officer.name_lo, name_latin=officer.name_latin, role=officer.role)
        row.since = registered_on
        row.full_clean()
        row.save()
    NpaStatusChange.objects.create(
        npa=npa,
        status=Npa.Status.ACTIVE,
        date=registered_on,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    npa_index(npa)
    audit_record(
        actor=actor,
        action="npa.register",
        obj=npa,
        data={"registration_number": npa.registration_number, "application": str(source_application_id or "")},
    )
    emit(
        "npa.registered",
        {
            "registration_number": npa.registration_number,
            "name_lo": npa.name_lo,
            "name_en": npa.name_en,
            "registered_on": registered_on.isoformat(),
        },
    )
    return npa


@transaction.atomic
def npa_transition(*, actor: Any, npa: Npa, action: str, reason: str, date: Any = None) -> Npa:
    """Suspend, reinstate or dissolve an association, always with a reason; the change stays in its history."""
    if not can_manage_register(actor):
        raise PermissionDenied
    npa = Npa.objects.select_for_update().get(pk=npa.pk)
    target = ACTIONS.get(action)
    if target is None or (npa.status, target) not in ALLOWED_MOVES:
        raise ValidationError(_("This change of status is not possible from the current status."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for this change of status.")})
    date = date or timezone.localdate()
    if date < npa.registered_on:
        raise ValidationError({"date": _("The date cannot be before the registration.")})
    change = NpaStatusChange(npa=npa, from_status=npa.status, status=target, reason=reason, date=date, actor=actor)
    change.full_clean()
    change.save()
    previous, npa.status = npa.status, target
    npa.updated_by = actor
    npa.save(update_fields=["status", "updated_by", "updated_at"])
    audit_record(
        actor=actor,
        action=f"npa.{action}",
        obj=npa,
        data={"from": previous, "to": target, "reason": reason, "date": date},
    )
    if target == Npa.Status.DISSOLVED:
        emit("npa.dissolved", {"registration_number": npa.registration_number, "date": date.isoformat()})
    return npa


@dataclass(frozen=True)
class IncomeIn:
    source_lo: str
    amount_kip: int
    foreign: bool = False
    source_en: str = ""


@dataclass(frozen=True)
class SpendingIn:
    purpose_lo: str
    amount_kip: int
    purpose_en: str = ""


@transaction.atomic
def annual_report_submit(
    *,
    actor: Any,
    npa: Npa,
    year: int,
    income: list[IncomeIn],
    spending: list[SpendingIn],
    activities_lo: str = "",
    activities_en: str = "",
) -> AnnualReport:
    """File an association's report for one year; a year is filed once. Lateness is read against the deadline."""
    if npa.status == Npa.Status.DISSOLVED:
        raise ValidationError(_("A dissolved association files no more reports."))
    if AnnualReport.objects.filter(npa=npa, year=year).exists():
        raise ValidationError({"year": _("The report for this year was already filed.")})
    if year < npa.registered_on.year or year >= timezone.localdate().year + 1:
        raise ValidationError({"year": _("There is no report to file for this year.")})
    for amount in [i.amount_kip for i in income] + [s.amount_kip for s in spending]:
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            raise ValidationError(_("Amounts are whole numbers of kip."))
    report = AnnualReport.objects.create(
        npa=npa, year=year, activities_lo=activities_lo, activities_en=activities_en, submitted_at=timezone.now()
    )
    AnnualReportIncome.objects.bulk_create(
        AnnualReportIncome(
            report=report, source_lo=i.source_lo, source_en=i.source_en, amount_kip=i.amount_kip, foreign=i.foreign
        )
        for i in income
    )
    AnnualReportSpending.objects.bulk_create(
        AnnualReportSpending(report=report, purpose_lo=s.purpose_lo, purpose_en=s.purpose_en, amount_kip=s.amount_kip)
        for s in spending
    )
    audit_record(actor=actor, action="npa.annual_report", obj=npa, data={"year": year, "late": report.is_late})
    return report


# Memberships: who may act online for an association


@transaction.atomic
def npa_membership_grant(*, actor: Any, npa: Npa, user: Any, role: str, since: Any = None) -> NpaMembership:
    """Let a person act for an association (a registrar's act, from the admin or the demo)."""
    membership = NpaMembership(npa=npa, user=user, role=role, since=since or timezone.localdate())
    membership.full_clean()
    membership.save()
    audit_record(actor=actor, action="npa.membership_grant", obj=npa, data={"user": str(user.public_id), "role": role})
    return membership


# Projects: submitted by the association, decided by the line ministry of its sector in the workflow engine

PROJECT_WORKFLOW_CODE = "npa-project"
PROJECT_DECISION_ACTION = "npa_project_decided"
PROJECT_WORKFLOW = {
    "initial": "submitted",
    "states": {
        "submitted": {"name_lo": "ສົ່ງແລ້ວ", "name_en": "Submitted"},
        "approved": {
            "name_lo": "ອະນຸມັດແລ້ວ",
            "name_en": "Approved",
            "terminal": True,
            "on_enter": [{"action": PROJECT_DECISION_ACTION}],
        },
        "rejected": {
            "name_lo": "ບໍ່ອະນຸມັດ",
            "name_en": "Rejected",
            "terminal": True,
            "on_enter": [{"action": PROJECT_DECISION_ACTION}],
        },
    },
    "transitions": [
        {
            "code": "approve",
            "from": ["submitted"],
            "to": "approved",
            "by": "staff",
            "roles": ["approver", "reviewer"],
            "name_lo": "ອະນຸມັດ",
            "name_en": "Approve",
        },
        {
            "code": "reject",
            "from": ["submitted"],
            "to": "rejected",
            "by": "staff",
            "roles": ["approver", "reviewer"],
            "requires_reason": True,
            "name_lo": "ບໍ່ອະນຸມັດ",
            "name_en": "Reject",
        },
    ],
}


def project_workflow() -> Any:
    return workflow_definition_publish(
        code=PROJECT_WORKFLOW_CODE,
        name_lo="ການອະນຸມັດໂຄງການຂອງສະມາຄົມ",
        name_en="Approval of an association's project",
        definition=PROJECT_WORKFLOW,
    )


@transaction.atomic
def npa_project_submit(
    *,
    actor: Any,
    npa: Npa,
    title_lo: str,
    budget_kip: int,
    starts_on: Any,
    ends_on: Any,
    foreign_funding_kip: int = 0,
    funder: str = "",
    title_en: str = "",
    description_lo: str = "",
) -> NpaProject:
    """An administrator of the association submits a project; it waits for the decision of the line ministry of
    the association's sector."""
    if not is_npa_admin(actor, npa):
        raise PermissionDenied
    if npa.status != Npa.Status.ACTIVE:
        raise ValidationError(_("Only an active association can submit a project."))
    if npa.sector is None:
        raise ValidationError(_("The association has no sector, so no line ministry can decide on its projects."))
    errors: dict[str, str] = {}
    if foreign_funding_kip > budget_kip:
        errors["foreign_funding_kip"] = _("Foreign funding cannot be more than the budget.")
    if foreign_funding_kip and not funder.strip():
        errors["funder"] = _("Name the funder of the foreign funding.")
    if ends_on < starts_on:
        errors["ends_on"] = _("The end cannot be before the start.")
    if errors:
        raise ValidationError(errors)
    project = NpaProject(
        npa=npa,
        title_lo=title_lo.strip(),
        title_en=title_en.strip(),
        budget_kip=budget_kip,
        foreign_funding_kip=foreign_funding_kip,
        funder=funder.strip(),
        status=NpaProject.Status.PENDING,
    )
    project.full_clean()
    project.save()
    submission = NpaProjectSubmission(
        project=project, description_lo=description_lo, starts_on=starts_on, ends_on=ends_on, submitted_by=actor
    )
    submission.full_clean()
    submission.save()
    workflow_start(
        definition=project_workflow(),
        subject_type=PROJECT_SUBJECT_TYPE,
        subject_id=str(project.pk),
        applicant=actor,
        office=npa.sector.line_ministry,
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="npa.project_submit",
        obj=npa,
        data={"project": project.pk, "budget_kip": budget_kip, "foreign_funding_kip": foreign_funding_kip},
    )
    return project


PROJECT_DECISIONS = ("approve", "reject")


@transaction.atomic
def npa_project_decide(*, actor: Any, project: NpaProject, decision: str, reason: str = "") -> NpaProject:
    """Approve or reject a project, through the workflow engine (which checks the actor's role in the line
    ministry and asks a reason for a rejection); the project follows in the action npa_project_decided."""
    if decision not in PROJECT_DECISIONS:
        raise ValidationError(_("Unknown decision."))
    instance = instance_for_subject(subject_type=PROJECT_SUBJECT_TYPE, subject_id=str(project.pk))
    if instance is None:
        raise ValidationError(_("This project is not awaiting a decision."))
    try:
        workflow_transition(instance=instance, transition=decision, actor=actor, reason=reason)
    except TransitionNotAllowed as exc:
        raise ValidationError(exc.message) from exc
    project.refresh_from_db()
    return project


def on_project_decided(*, instance: Any, config: dict, transition: Any) -> None:
    """Workflow action: the project takes the decision its workflow instance just entered."""
    project = NpaProject.objects.select_related("submission").get(pk=int(instance.subject_id))
    now = timezone.now()
    if instance.state == "approved":
        project.status, project.approved_on = NpaProject.Status.APPROVED, timezone.localdate(now)
    else:
        project.status, project.approved_on = NpaProject.Status.REJECTED, None
    project.save(update_fields=["status", "approved_on"])
    submission = getattr(project, "submission", None)
    if submission is not None:
        submission.decided_at = now
        submission.decision_reason = transition.reason if transition else ""
        submission.save(update_fields=["decided_at", "decision_reason"])
    audit_record(
        actor=transition.actor if transition else None,
        action=f"npa.project_{instance.state}",
        obj=project.npa,
        data={"project": project.pk, "reason": transition.reason if transition else ""},
    )


# Annual report reminders and overdue flags (run daily by tasks.annual_report_reminders)

REMINDER_WINDOW_DAYS = 30


def _reminder_text(npa: Npa, year: int, deadline: Any, language: str) -> tuple[str, str]:
    with translation.override(language):
        name = npa.name_en if language == "en" and npa.name_en else npa.name_lo
        values = {"name": name, "year": year, "date": format_date(deadline, language=language)}
        subject = _("Annual report %(year)s of %(name)s") % values
        body = (
            _(
                "e-Laos: the annual report %(year)s of %(name)s is due by %(date)s. File it online on your "
                "associations page."
            )
            % values
        )
    return subject, body


def annual_report_remind(*, today: Any = None) -> dict[str, int]:
    """From REMINDER_WINDOW_DAYS before the deadline of last year's report, remind the administrators of each
    active association that has not filed it, by SMS and e-mail in their language; once per association, year,
    person and channel (the idempotency key). Flag each year whose deadline passed with no report."""
    today = today or timezone.localdate()
    year = today.year - 1
    deadline = annual_report_deadline(year)
    sent = flagged = 0
    reminding = deadline - datetime.timedelta(days=REMINDER_WINDOW_DAYS) <= today
    npas = Npa.objects.active().filter(status=Npa.Status.ACTIVE).prefetch_related("annual_reports")
    for npa in npas:
        with transaction.atomic():
            for missing in missing_report_years(npa, today=today):
                _overdue, created = AnnualReportOverdue.objects.get_or_create(npa=npa, year=missing)
                if created:
                    flagged += 1
                    audit_record(action="npa.annual_report_overdue", obj=npa, data={"year": missing})
            if not reminding or npa.registered_on.year > year or any(r.year == year for r in npa.annual_reports.all()):
                continue
            memberships = (
                NpaMembership.objects.filter(npa=npa, role=NpaMembership.Role.NPA_ADMIN, since__lte=today)
                .filter(Q(until__isnull=True) | Q(until__gte=today))
                .select_related("user")
            )
            admins = {m.user.pk: m.user for m in memberships if m.user.is_active}
            for user in admins.values():
                subject, body = _reminder_text(npa, year, deadline, user.preferred_language or "lo")
                for channel, to in (("sms", user.phone), ("email", user.email)):
                    if not to:
                        continue
                    key = f"npa-report-reminder:{npa.pk}:{year}:{user.pk}:{channel}"
                    if Message.objects.filter(idempotency_key=key).exists():
                        continue
                    if channel == "sms":
                        sms_send(to=to, body=body, idempotency_key=key)
                    else:
                        email_send(to=to, subject=subject, body=body, idempotency_key=key)
                    sent += 1
    return {"sent": sent, "flagged": flagged}


@transaction.atomic
def npa_officers_replace(
    *,
    actor: Any,
    npa: Npa,
    officers: list[OfficerIn],
    charter_changed: bool = False,
    source_application_id: Any = None,
    date: Any = None,
) -> Npa:
    """An approved amendment: the current officers leave the day before `date` and the listed ones serve from it
    (their history stays in the register). A new charter is noted in the audit trail."""
    if not can_manage_register(actor):
        raise PermissionDenied
    npa = Npa.objects.select_for_update().get(pk=npa.pk)
    if npa.status == Npa.Status.DISSOLVED:
        raise ValidationError(_("A dissolved association cannot be amended."))
    date = date or timezone.localdate()
    if officers:
        leaving = date - datetime.timedelta(days=1)
        npa.officers.filter(Q(until__isnull=True) | Q(until__gte=date)).update(until=leaving)
        for officer in officers:
            row = NpaOfficer(
                npa=npa, name_lo=officer.name_lo, name_latin=officer.name_latin, role=officer.role, since=date
            )
            row.full_clean()
            row.save()
    npa.updated_by = actor
    npa.save(update_fields=["updated_by", "updated_at"])
    audit_record(
        actor=actor,
        action="npa.amend",
        obj=npa,
        data={
            "officers": [{"role": o.role, "name_lo": o.name_lo} for o in officers],
            "charter_changed": charter_changed,
            "application": str(source_application_id or ""),
            "date": date,
        },
    )
    return npa
