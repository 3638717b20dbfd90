"""Writes of protection case management. Each checks that the actor may act on the case (PermissionDenied, shown as a
404, otherwise), validates, writes an audit row in the same transaction and sends notices on commit.

Consent rules (Lao Law on Electronic Data Protection, 2017, art. 10; IOM Data Protection Principles): a case is
opened only with the person's consent to case management; a referral or a transfer only with their consent for
that recipient, which they may withdraw at any time (pending referrals to that recipient are then cancelled)."""

import datetime
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from elaos.agencies.access import office_assignments
from elaos.agencies.models import Organisation
from elaos.core.audit import audit_record
from elaos.notifications.services import email_send, sms_send
from elaos.protection import access, selectors
from elaos.protection.models import (
    RISK_ITEMS,
    RISK_MAX_SCORE,
    BreakGlassAccess,
    CaseIdentity,
    CaseNote,
    CaseStatusChange,
    CaseTransfer,
    ConsentGrant,
    PlanItem,
    ProtectionCase,
    Referral,
    RiskAssessment,
    risk_level,
)

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
MIN_REASON_LENGTH = 10
STATUS_MOVES = {
    (ProtectionCase.Status.ACTIVE, ProtectionCase.Status.FOLLOW_UP),
    (ProtectionCase.Status.FOLLOW_UP, ProtectionCase.Status.ACTIVE),
    (ProtectionCase.Status.ACTIVE, ProtectionCase.Status.CLOSED),
    (ProtectionCase.Status.FOLLOW_UP, ProtectionCase.Status.CLOSED),
}


def _new_reference() -> str:
    # Random, not sequential: a reference tells nothing about how many cases there are.
    return "PC-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _i in range(8))


def _subject(case: ProtectionCase) -> Any:
    identity = CaseIdentity.objects.filter(case=case).select_related("account").first()
    return identity.account if identity is not None else None


def _require_visible(actor: Any, case: ProtectionCase) -> None:
    if not access.visible_cases(actor).filter(pk=case.pk).exists():
        raise PermissionDenied


def _require_open(case: ProtectionCase) -> None:
    if case.is_closed:
        raise ValidationError(_("This case is closed."))


def _audit(actor: Any, action: str, case: ProtectionCase, **data: Any) -> None:
    audit_record(actor=actor, action=action, obj=case, data=data, subject=_subject(case))


def _recipient(organisation: Organisation | None, npa: str) -> tuple[str, str]:
    """(recipient field, display name); refuses neither-or-both and an association not active in the register."""
    if bool(organisation) == bool(npa):
        raise ValidationError({"recipient": _("Choose one office or one association.")})
    if organisation is not None:
        return "organisation", organisation.name_lo + (f" ({organisation.name_en})" if organisation.name_en else "")
    name = selectors.npa_name(npa)
    if name is None:
        raise ValidationError({"recipient": _("This association is not active in the register.")})
    return "npa", name


def _active_consent(
    case: ProtectionCase, purpose: str, organisation: Organisation | None, npa: str
) -> ConsentGrant | None:
    consents = case.consents.active().filter(purpose=purpose, withdrawn_at__isnull=True)
    if organisation is not None:
        return consents.filter(recipient_organisation=organisation).first()
    return consents.filter(recipient_npa=npa).first()


# Opening and assigning


@transaction.atomic
def case_open(
    *,
    actor: Any,
    organisation: Organisation,
    facts: dict[str, Any],
    identity: dict[str, Any],
    consent_given: bool,
    consent_method: str = ConsentGrant.Method.VERBAL,
) -> ProtectionCase:
    """Open a case in one of the actor's offices, assigned to the actor when they are a case worker there. Refused
    without the person's informed consent to case management by that office."""
    if not access.case_organisations(actor).filter(pk=organisation.pk).exists():
        raise PermissionDenied
    if not consent_given:
        raise ValidationError(
            {
                "consent_given": _(
                    "A case cannot be opened without the person's informed consent. Explain what will be recorded, "
                    "who will see it and why, and open the case only if they agree."
                )
            }
        )
    case = ProtectionCase(
        organisation=organisation,
        case_worker=actor if access.is_case_worker_in(actor, organisation) else None,
        created_by=actor,
        **facts,
    )
    person = CaseIdentity(case=case, **identity)
    consent = ConsentGrant(
        case=case,
        purpose=ConsentGrant.Purpose.CASE_MANAGEMENT,
        recipient_organisation=organisation,
        recipient_name=organisation.name_lo,
        method=consent_method,
        created_by=actor,
    )
    errors: dict[str, list[str]] = {}
    for obj, exclude in ((case, ["reference"]), (person, ["case"]), (consent, ["case"])):
        try:
            obj.full_clean(exclude=exclude)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    for _attempt in range(5):
        case.reference = _new_reference()
        try:
            with transaction.atomic():
                case.save()
            break
        except IntegrityError:
            continue
    person.case = case
    person.save()
    consent.case = case
    consent.save()
    CaseStatusChange.objects.create(case=case, to_status=case.status, actor=actor)
    _audit(actor, "protection.case.open", case, organisation=organisation.code)
    return case


@transaction.atomic
def case_assign(*, actor: Any, case: ProtectionCase, case_worker: Any) -> ProtectionCase:
    """A supervisor of the case's office gives the case to a case worker of that office."""
    if not access.is_supervisor(actor, case.organisation):
        raise PermissionDenied
    _require_open(case)
    if not access.is_case_worker_in(case_worker, case.organisation):
        raise ValidationError({"case_worker": _("Choose a case worker of this office.")})
    case.case_worker = case_worker
    case.updated_by = actor
    case.save(update_fields=["case_worker", "updated_by", "updated_at"])
    _audit(actor, "protection.case.assign", case, case_worker=str(case_worker.public_id))
    return case


@transaction.atomic
def case_set_status(*, actor: Any, case: ProtectionCase, status: str) -> ProtectionCase:
    """Active ↔ follow-up. Closing has its own service (it needs a reason)."""
    _require_visible(actor, case)
    if status == ProtectionCase.Status.CLOSED or (case.status, status) not in STATUS_MOVES:
        raise ValidationError({"status": _("This change of status is not allowed.")})
    CaseStatusChange.objects.create(case=case, from_status=case.status, to_status=status, actor=actor)
    case.status = status
    case.updated_by = actor
    case.save(update_fields=["status", "updated_by", "updated_at"])
    _audit(actor, "protection.case.status", case, status=status)
    return case


@transaction.atomic
def case_close(*, actor: Any, case: ProtectionCase, reason: str, note: str = "") -> ProtectionCase:
    _require_visible(actor, case)
    _require_open(case)
    if reason not in ProtectionCase.ClosureReason.values:
        raise ValidationError({"reason": _("Choose a reason for closing the case.")})
    if reason == ProtectionCase.ClosureReason.OTHER and not note.strip():
        raise ValidationError({"note": _("Explain the reason.")})
    CaseStatusChange.objects.create(
        case=case, from_status=case.status, to_status=ProtectionCase.Status.CLOSED, actor=actor
    )
    case.status = ProtectionCase.Status.CLOSED
    case.closed_on = timezone.localdate()
    case.closure_reason = reason
    case.closure_note = note.strip()
    case.updated_by = actor
    case.save(update_fields=["status", "closed_on", "closure_reason", "closure_note", "updated_by", "updated_at"])
    _audit(actor, "protection.case.close", case, reason=reason)
    return case


# Consent


@transaction.atomic
def consent_record(
    *,
    actor: Any,
    case: ProtectionCase,
    purpose: str,
    method: str,
    recipient_organisation: Organisation | None = None,
    recipient_npa: str = "",
    given_on: datetime.date | None = None,
) -> ConsentGrant:
    """The person's consent for one purpose and one recipient. Recording it again while active changes nothing."""
    _require_visible(actor, case)
    _require_open(case)
    _kind, name = _recipient(recipient_organisation, recipient_npa)
    existing = _active_consent(case, purpose, recipient_organisation, recipient_npa)
    if existing is not None:
        return existing
    consent = ConsentGrant(
        case=case,
        purpose=purpose,
        recipient_organisation=recipient_organisation,
        recipient_npa=recipient_npa,
        recipient_name=name,
        method=method,
        given_on=given_on or timezone.localdate(),
        created_by=actor,
    )
    consent.full_clean()
    if consent.given_on > timezone.localdate():
        raise ValidationError({"given_on": _("This date is in the future.")})
    consent.save()
    _audit(
        actor,
        "protection.consent.record",
        case,
        consent=str(consent.public_id),
        purpose=purpose,
        recipient=recipient_npa or (recipient_organisation.code if recipient_organisation else ""),
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor: Any, consent: ConsentGrant, note: str = "") -> ConsentGrant:
    """The person takes back a consent. Referrals made under it that are not finished are cancelled: their
    recipient can no longer see them."""
    case = consent.case
    _require_visible(actor, case)
    if consent.withdrawn_at is not None:
        return consent
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor
    consent.withdrawal_note = note.strip()
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_note", "updated_at"])
    cancelled = consent.referrals.filter(status__in=[Referral.Status.PENDING, Referral.Status.ACCEPTED]).update(
        status=Referral.Status.CANCELLED, updated_at=timezone.now()
    )
    _audit(
        actor,
        "protection.consent.withdraw",
        case,
        consent=str(consent.public_id),
        purpose=consent.purpose,
        referrals_cancelled=cancelled,
    )
    return consent


# Risk, plan, notes


@transaction.atomic
def risk_assess(*, actor: Any, case: ProtectionCase, scores: dict[str, int]) -> RiskAssessment:
    _require_visible(actor, case)
    _require_open(case)
    codes = [code for code, _label in RISK_ITEMS]
    if set(scores) != set(codes) or any(
        not isinstance(s, int) or not 0 <= s <= RISK_MAX_SCORE for s in scores.values()
    ):
        raise ValidationError(_("Score every item from 0 to 3."))
    total, level = risk_level(scores)
    assessment = RiskAssessment.objects.create(case=case, assessed_by=actor, scores=scores, total=total, level=level)
    _audit(actor, "protection.risk.assess", case, total=total, level=level)
    return assessment


@transaction.atomic
def plan_item_add(
    *, actor: Any, case: ProtectionCase, goal: str, action: str, due_on: datetime.date | None = None
) -> PlanItem:
    _require_visible(actor, case)
    _require_open(case)
    item = PlanItem(case=case, goal=goal.strip(), action=action.strip(), due_on=due_on, created_by=actor)
    item.full_clean()
    item.save()
    _audit(actor, "protection.plan.add", case, item=str(item.public_id))
    return item


@transaction.atomic
def plan_item_set_status(*, actor: Any, item: PlanItem, status: str) -> PlanItem:
    _require_visible(actor, item.case)
    _require_open(item.case)
    if status not in PlanItem.Status.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    if status != item.status:
        item.status = status
        item.status_changed_on = timezone.localdate()
        item.updated_by = actor
        item.save(update_fields=["status", "status_changed_on", "updated_by", "updated_at"])
        _audit(actor, "protection.plan.status", item.case, item=str(item.public_id), status=status)
    return item


@transaction.atomic
def note_add(*, actor: Any, case: ProtectionCase, text: str) -> CaseNote:
    _require_visible(actor, case)
    note = CaseNote(case=case, author=actor, text=text.strip())
    note.full_clean()
    note.save()
    _audit(actor, "protection.note.add", case, note=note.pk)
    return note


# Referrals


@transaction.atomic
def referral_create(
    *,
    actor: Any,
    case: ProtectionCase,
    service: str,
    details: str,
    to_organisation: Organisation | None = None,
    to_npa: str = "",
) -> Referral:
    """Ask an office or an association for a service. Only with the person's active consent to a referral to that
    very recipient."""
    _require_visible(actor, case)
    _require_open(case)
    _kind, name = _recipient(to_organisation, to_npa)
    consent = _active_consent(case, ConsentGrant.Purpose.REFERRAL, to_organisation, to_npa)
    if consent is None:
        raise ValidationError(
            {
                "recipient": _(
                    "The person has not consented to a referral to %(recipient)s, or withdrew that consent. "
                    "Record their consent first."
                )
                % {"recipient": name}
            }
        )
    referral = Referral(
        case=case,
        consent=consent,
        service=service,
        to_organisation=to_organisation,
        to_npa=to_npa,
        recipient_name=name,
        details=details.strip(),
        created_by=actor,
    )
    referral.full_clean()
    referral.save()
    if to_npa:
        _tell_npa_admins(referral)
    _audit(
        actor,
        "protection.referral.create",
        case,
        referral=str(referral.public_id),
        service=service,
        recipient=to_npa or (to_organisation.code if to_organisation else ""),
    )
    return referral


@transaction.atomic
def referral_respond(*, actor: Any, referral: Referral, accept: bool, reason: str = "") -> Referral:
    """The recipient accepts or declines (with a reason). Answering the same way again changes nothing."""
    if not access.received_referrals(actor).filter(pk=referral.pk).exists():
        raise PermissionDenied
    wanted = Referral.Status.ACCEPTED if accept else Referral.Status.DECLINED
    if referral.status == wanted:
        return referral
    if referral.status != Referral.Status.PENDING:
        raise ValidationError(_("This referral was already answered."))
    if not accept and not reason.strip():
        raise ValidationError({"reason": _("Say why you decline, so the case worker can look elsewhere.")})
    referral.status = wanted
    referral.responded_at = timezone.now()
    referral.responded_by = actor
    referral.decline_reason = "" if accept else reason.strip()
    referral.save(update_fields=["status", "responded_at", "responded_by", "decline_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="protection.referral.accept" if accept else "protection.referral.decline",
        obj=referral,
        data={"case": str(referral.case.public_id)},
    )
    _tell_case_worker(referral)
    return referral


@transaction.atomic
def referral_report_outcome(*, actor: Any, referral: Referral, outcome: str) -> Referral:
    if not access.received_referrals(actor).filter(pk=referral.pk).exists():
        raise PermissionDenied
    if referral.status != Referral.Status.ACCEPTED:
        raise ValidationError(_("Only an accepted referral can be reported on."))
    if not outcome.strip():
        raise ValidationError({"outcome": _("Describe what was done.")})
    referral.status = Referral.Status.COMPLETED
    referral.outcome = outcome.strip()
    referral.outcome_at = timezone.now()
    referral.save(update_fields=["status", "outcome", "outcome_at", "updated_at"])
    audit_record(
        actor=actor,
        action="protection.referral.outcome",
        obj=referral,
        data={"case": str(referral.case.public_id)},
    )
    _tell_case_worker(referral)
    return referral


def _tell_npa_admins(referral: Referral) -> None:
    """Tell the administrators of the receiving association that a referral waits for their answer: by e-mail, or
    by SMS to those without an address, in their language. Nothing about the person is in the message."""
    from elaos.civil_society.selectors import npa_admin_users

    for user in npa_admin_users(referral.to_npa):
        key = f"protection-referral-new:{referral.pk}:{user.pk}"
        with translation.override(user.preferred_language or "lo"):
            values = {"service": referral.get_service_display(), "recipient": referral.recipient_name}
            body = (
                _(
                    "e-Laos: a protection referral (%(service)s) was sent to %(recipient)s. Accept or decline it on "
                    "e-Laos, under Referrals received."
                )
                % values
            )
            if user.email:
                email_send(
                    to=user.email,
                    subject=_("A protection referral waits for your answer"),
                    body=body,
                    idempotency_key=key,
                )
            elif user.phone:
                sms_send(to=user.phone, body=body, idempotency_key=key)


def _tell_case_worker(referral: Referral) -> None:
    worker = referral.case.case_worker
    if worker is None or not worker.email:
        return
    with translation.override(worker.preferred_language or "lo"):
        values = {"reference": referral.case.reference, "status": referral.get_status_display()}
        subject = _("Referral for case %(reference)s: %(status)s") % values
        body = _("e-Laos: the referral for case %(reference)s is now: %(status)s. See the case page.") % values
    email_send(
        to=worker.email,
        subject=subject,
        body=body,
        idempotency_key=f"protection-referral:{referral.pk}:{referral.status}",
    )


# Transfer


@transaction.atomic
def case_transfer(*, actor: Any, case: ProtectionCase, to_organisation: Organisation, reason: str) -> ProtectionCase:
    """Hand the case to another office, with the person's consent for that office. The case leaves the current
    case worker and waits for a supervisor of the new office to assign it; its supervisors are told."""
    _require_visible(actor, case)
    _require_open(case)
    if to_organisation.pk == case.organisation_id:
        raise ValidationError({"to_organisation": _("The case is already with this office.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case is transferred.")})
    consent = _active_consent(case, ConsentGrant.Purpose.TRANSFER, to_organisation, "")
    if consent is None:
        raise ValidationError(
            {
                "to_organisation": _(
                    "The person has not consented to a transfer to %(recipient)s, or withdrew that consent. "
                    "Record their consent first."
                )
                % {"recipient": to_organisation.name_lo}
            }
        )
    CaseTransfer.objects.create(
        case=case,
        consent=consent,
        from_organisation=case.organisation,
        to_organisation=to_organisation,
        reason=reason.strip(),
        transferred_by=actor,
    )
    previous = case.organisation
    case.organisation = to_organisation
    case.case_worker = None
    case.updated_by = actor
    case.save(update_fields=["organisation", "case_worker", "updated_by", "updated_at"])
    # The new office manages the case: that is what the person consented to.
    ConsentGrant.objects.get_or_create(
        case=case,
        purpose=ConsentGrant.Purpose.CASE_MANAGEMENT,
        recipient_organisation=to_organisation,
        withdrawn_at=None,
        defaults={"recipient_name": to_organisation.name_lo, "method": consent.method, "created_by": actor},
    )
    _audit(actor, "protection.case.transfer", case, from_office=previous.code, to_office=to_organisation.code)
    _tell_supervisors(
        to_organisation,
        key=f"protection-transfer:{case.pk}:{to_organisation.pk}:{case.transfers.count()}",
        subject=gettext_noop("A protection case was transferred to your office"),
        body=gettext_noop("e-Laos: case %(reference)s was transferred to your office. Assign it to a case worker."),
        values={"reference": case.reference},
    )
    return case


def _tell_supervisors(organisation: Organisation, *, key: str, subject: str, body: str, values: dict) -> None:
    """E-mail each case supervisor of the office, in their language. `subject` and `body` are message ids."""
    supervisors = office_assignments(organisation).filter(role__code=access.CASE_SUPERVISOR).select_related("user")
    for assignment in supervisors:
        user = assignment.user
        if not user.email:
            continue
        with translation.override(user.preferred_language or "lo"):
            email_send(
                to=user.email,
                subject=_(subject) % values,
                body=_(body) % values,
                idempotency_key=f"{key}:{user.pk}",
            )


# Break-glass


@transaction.atomic
def break_glass_open(*, actor: Any, reference: str, reason: str) -> ProtectionCase:
    """Open a case of one's own office that is not one's own, in an emergency, for a stated reason. The access
    lasts PROTECTION_BREAK_GLASS_MINUTES; it is audited and the office's case supervisors are told at once."""
    if not access.has_case_role(actor):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if len(reason.strip()) < MIN_REASON_LENGTH:
        errors["reason"] = _("Give the reason in a full sentence.")
    case = selectors.case_for_break_glass(actor, reference)
    if case is None:
        errors["reference"] = _("There is no case with this reference in your office.")
    if errors:
        raise ValidationError(errors)
    assert case is not None
    if access.visible_cases(actor).filter(pk=case.pk).exists():
        # Their own case, a case they supervise, or emergency access still running: nothing to open.
        return case
    now = timezone.now()
    grant = BreakGlassAccess.objects.create(
        case=case,
        user=actor,
        reason=reason.strip(),
        opened_at=now,
        expires_at=now + datetime.timedelta(minutes=access.break_glass_minutes()),
    )
    _audit(
        actor,
        "protection.case.break_glass",
        case,
        reason=grant.reason,
        expires_at=grant.expires_at.isoformat(),
    )
    name = " ".join(p for p in (actor.given_name_latin, actor.family_name_latin) if p) or actor.email
    _tell_supervisors(
        case.organisation,
        key=f"protection-break-glass:{grant.pk}",
        subject=gettext_noop("Emergency access to a protection case"),
        body=gettext_noop(
            "e-Laos: %(name)s opened case %(reference)s under emergency access. Reason: %(reason)s. "
            "Check it on the protection cases page: %(url)s"
        ),
        values={
            "name": name,
            "reference": case.reference,
            "reason": grant.reason,
            "url": reverse("protection:case_list"),
        },
    )
    return case
