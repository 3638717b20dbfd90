"""Writes of safe migration. Each checks who acts, changes rows and appends an audit event in the same transaction.
Refusals are a PermissionDenied (the caller answers 404) or a ValidationError with a clear message and a code."""

import datetime
import hashlib
import hmac
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from elaos.agencies.models import Organisation
from elaos.core.audit import audit_record
from elaos.core.events import emit
from elaos.migration import access
from elaos.migration.models import (
    AgencyStatusChange,
    Complaint,
    ComplaintEvidence,
    ComplaintStatusChange,
    CorrectionRequest,
    InfoPage,
    Migrant,
    MigrantStatusChange,
    Need,
    RecruitmentAgency,
    Referral,
    Returnee,
)
from elaos.notifications.services import email_send, sms_send
from elaos.search.services import search_index
from elaos.services.uploads import check_upload
from elaos.workflows.working_days import add_working_days

AGENCY_SEARCH_KIND = "migration.agency"
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
EVIDENCE_TYPES = ["pdf", "jpeg", "png"]
CONSENT_PURPOSES = {
    "safe_migration": "Registration, protection and help of the migrant worker by the labour offices",
    "reintegration": "Reintegration support and referrals of the returnee",
}


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _new_reference(prefix: str, model: Any) -> str:
    while True:
        reference = f"{prefix}-{''.join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))}"
        if not model.objects.filter(reference=reference).exists():
            return reference


def _secret_hash(reference: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{reference}:{code}".encode(), hashlib.sha256).hexdigest()


def secret_matches(complaint: Complaint, code: str) -> bool:
    return bool(complaint.secret_hash) and hmac.compare_digest(
        complaint.secret_hash, _secret_hash(complaint.reference, code.strip().upper())
    )


# Recruitment agencies


def agency_index(agency: RecruitmentAgency) -> None:
    search_index(
        kind=AGENCY_SEARCH_KIND,
        key=agency.licence_number,
        title_lo=agency.name_lo,
        title_en=f"{agency.name_en} {agency.licence_number}".strip(),
        body_lo=agency.head_office_address,
        body_en=agency.enterprise_registration_number,
        url=f"/migration/agencies/{agency.licence_number}/",
    )


def _licence_number(on: datetime.date) -> str:
    prefix = f"RA-{on.year}-"
    taken = RecruitmentAgency.objects.filter(licence_number__startswith=prefix).count()
    number = taken + 1
    while RecruitmentAgency.objects.filter(licence_number=f"{prefix}{number:04d}").exists():
        number += 1
    return f"{prefix}{number:04d}"


def _expiry(start: datetime.date) -> datetime.date:
    years = getattr(settings, "MIGRATION_LICENCE_YEARS", 3)
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


@transaction.atomic
def agency_license(
    *,
    actor: Any,
    name_lo: str,
    enterprise_registration_number: str,
    name_en: str = "",
    scope: str = RecruitmentAgency.Scope.OVERSEAS,
    destination_countries: str = "",
    head_office_address: str = "",
    province: Any = None,
    licensed_on: datetime.date | None = None,
    licence_number: str = "",
    source_application_id: Any = None,
) -> RecruitmentAgency:
    """Enter a newly licensed agency in the register (the licensing workflow's approval, or the demo)."""
    licensed_on = licensed_on or timezone.localdate()
    agency = RecruitmentAgency(
        licence_number=licence_number or _licence_number(licensed_on),
        name_lo=name_lo.strip(),
        name_en=name_en.strip(),
        enterprise_registration_number=enterprise_registration_number.strip(),
        scope=scope,
        destination_countries=destination_countries.strip(),
        head_office_address=head_office_address.strip(),
        province=province,
        licensed_on=licensed_on,
        licence_expires_on=_expiry(licensed_on),
        source_application_id=source_application_id,
        created_by=_user(actor),
        updated_by=_user(actor),
    )
    agency.full_clean()
    agency.save()
    AgencyStatusChange.objects.create(
        agency=agency, from_status="", status=agency.status, date=licensed_on, actor=_user(actor)
    )
    agency_index(agency)
    audit_record(actor=actor, action="migration.agency_license", obj=agency, data={"licence": agency.licence_number})
    return agency


@transaction.atomic
def agency_renew(*, actor: Any, agency: RecruitmentAgency, application_id: Any = None) -> RecruitmentAgency:
    """Extend the licence by one period from its expiry (or from today when it has lapsed). A revoked licence
    cannot be renewed; a suspended one stays suspended."""
    agency = RecruitmentAgency.objects.select_for_update().get(pk=agency.pk)
    if agency.status == RecruitmentAgency.Status.REVOKED:
        raise ValidationError(_("A revoked licence cannot be renewed."), code="revoked")
    key = str(application_id) if application_id else ""
    if key and key in agency.renewal_application_ids:
        return agency
    today = timezone.localdate()
    agency.licence_expires_on = _expiry(max(agency.licence_expires_on, today))
    if key:
        agency.renewal_application_ids = [*agency.renewal_application_ids, key]
    agency.updated_by = _user(actor)
    agency.save(update_fields=["licence_expires_on", "renewal_application_ids", "updated_by", "updated_at"])
    audit_record(
        actor=actor,
        action="migration.agency_renew",
        obj=agency,
        data={"licence": agency.licence_number, "expires": agency.licence_expires_on},
    )
    return agency


@transaction.atomic
def agency_transition(*, actor: Any, agency: RecruitmentAgency, status: str, reason: str) -> RecruitmentAgency:
    """Suspend, revoke or reinstate a licence, with the reason published in the register."""
    if not access.can_manage_register(actor):
        raise PermissionDenied
    agency = RecruitmentAgency.objects.select_for_update().get(pk=agency.pk)
    if status not in RecruitmentAgency.TRANSITIONS[agency.status]:
        raise ValidationError(_("This change of licence status is not possible."), code="not_allowed")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason: it is published in the register.")}, code="no_reason")
    previous = agency.status
    agency.status, agency.updated_by = status, _user(actor)
    agency.save(update_fields=["status", "updated_by", "updated_at"])
    AgencyStatusChange.objects.create(
        agency=agency, from_status=previous, status=status, reason=reason, date=timezone.localdate(), actor=actor
    )
    audit_record(
        actor=actor,
        action=f"migration.agency_{status}",
        obj=agency,
        data={"licence": agency.licence_number, "from": previous, "to": status, "reason": reason},
    )
    if status in (RecruitmentAgency.Status.SUSPENDED, RecruitmentAgency.Status.REVOKED):
        emit(
            "migration.agency_licence_suspended",
            {
                "licence_number": agency.licence_number,
                "agency": str(agency.public_id),
                "status": status,
                "reason": reason,
                "date": timezone.localdate().isoformat(),
            },
        )
    return agency


def agency_check_usable(agency: RecruitmentAgency | None) -> None:
    """Refuse an agency a worker may not go through: suspended, revoked or expired."""
    if agency is None:
        return
    if agency.status == RecruitmentAgency.Status.SUSPENDED:
        raise ValidationError(
            {
                "agency": _(
                    "The licence of %(name)s is suspended: it may not send workers abroad now. "
                    "Choose a licensed agency."
                )
                % {"name": agency.name_lo}
            },
            code="agency_suspended",
        )
    if agency.status == RecruitmentAgency.Status.REVOKED:
        raise ValidationError(
            {
                "agency": _(
                    "The licence of %(name)s was revoked: it may not send workers abroad. Choose a licensed agency."
                )
                % {"name": agency.name_lo}
            },
            code="agency_revoked",
        )
    if agency.licence_expires_on < timezone.localdate():
        raise ValidationError(
            {"agency": _("The licence of %(name)s has expired. Choose a licensed agency.") % {"name": agency.name_lo}},
            code="agency_expired",
        )


# Migrant records

DOCUMENT_FIELDS = [
    ("passport_expires_on", "passport_number"),
    ("visa_expires_on", "visa_number"),
    ("work_permit_expires_on", "work_permit_number"),
]
MIGRANT_FIELDS = [
    "sex",
    "birth_year",
    "home_province",
    "destination",
    "employer_name",
    "employer_address",
    "sector",
    "job_title",
    "monthly_wage",
    "wage_currency",
    "hours_per_week",
    "monthly_deductions",
    "deductions_note",
    "contract_months",
    "agency",
    "departure_date",
    "passport_number",
    "passport_expires_on",
    "visa_number",
    "visa_expires_on",
    "work_permit_number",
    "work_permit_expires_on",
    "orientation_completed_on",
    "health_check_on",
    "health_check_result",
    "insurance_provider",
    "insurance_policy_number",
    "insurance_expires_on",
]


def _document_errors(fields: dict[str, Any]) -> dict[str, str]:
    """Expired documents, and documents that expire before the worker leaves, are refused by field."""
    today = timezone.localdate()
    departure = fields.get("departure_date")
    names = {
        "passport_expires_on": _("passport"),
        "visa_expires_on": _("visa"),
        "work_permit_expires_on": _("work permit"),
        "insurance_expires_on": _("insurance"),
    }
    errors = {}
    for field, label in names.items():
        expires = fields.get(field)
        if not expires:
            continue
        if expires < today:
            errors[field] = _("This %(document)s expired on %(date)s. Renew it before registering it.") % {
                "document": label,
                "date": expires.isoformat(),
            }
        elif departure and expires <= departure:
            errors[field] = _("This %(document)s expires before the planned departure. Renew it first.") % {
                "document": label
            }
    return errors


def _check_migrant_fields(fields: dict[str, Any]) -> None:
    errors: dict[str, Any] = _document_errors(fields)
    for expiry, number in DOCUMENT_FIELDS:
        if fields.get(expiry) and not fields.get(number):
            errors.setdefault(number, _("Give the number of this document with its expiry date."))
    departure = fields.get("departure_date")
    if departure and departure < timezone.localdate() - datetime.timedelta(days=365):
        errors["departure_date"] = _("The departure date is more than a year ago.")
    wage, deductions = fields.get("monthly_wage"), fields.get("monthly_deductions") or 0
    if wage is not None and deductions > wage:
        errors["monthly_deductions"] = _("Deductions cannot be more than the wage.")
    try:
        agency_check_usable(fields.get("agency"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def migrant_register(*, actor: Any, person: Any, office: Organisation, consent: bool, **fields: Any) -> Migrant:
    """A pre-departure registration, by the migrant or by an officer of the office on their behalf. The person
    must agree to the purpose (Law on Electronic Data Protection, 2017, Art. 10)."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    by_officer = actor.pk != getattr(person, "pk", None)
    if by_officer and not access.has_migration_role(actor, office):
        raise PermissionDenied
    if not consent:
        raise ValidationError(
            {"consent": _("The record can only be kept with the migrant's agreement to its purpose.")},
            code="no_consent",
        )
    unknown = set(fields) - set(MIGRANT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    _check_migrant_fields(fields)
    now = timezone.now()
    migrant = Migrant(
        reference=_new_reference("MIG", Migrant),
        person=person,
        office=office,
        channel=Migrant.Channel.OFFICE if by_officer else Migrant.Channel.SELF,
        consent_purpose="safe_migration",
        consented_at=now,
        created_by=actor,
        updated_by=actor,
        **fields,
    )
    migrant.full_clean()
    migrant.save()
    MigrantStatusChange.objects.create(migrant=migrant, from_status="", status=migrant.status, actor=actor)
    audit_record(
        actor=actor,
        action="migration.migrant.register",
        obj=migrant,
        data={"person": str(person.public_id), "office": office.code, "consent": "safe_migration"},
    )
    return migrant


@transaction.atomic
def migrant_update(*, actor: Any, migrant: Migrant, **fields: Any) -> Migrant:
    """Change the record's details. The migrant may change them until departure; officers of the office always."""
    migrant = Migrant.objects.select_for_update().get(pk=migrant.pk)
    officer = access.has_migration_role(actor, migrant.office_id)
    own = getattr(actor, "pk", None) is not None and migrant.person_id == actor.pk
    if not (officer or own):
        raise PermissionDenied
    if own and not officer and migrant.status not in (Migrant.Status.REGISTERED, Migrant.Status.DOCUMENTS):
        raise ValidationError(
            _("After departure, ask for a correction instead: the labour office will change the record."),
            code="not_editable",
        )
    unknown = set(fields) - set(MIGRANT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    current = {name: getattr(migrant, name) for name in MIGRANT_FIELDS}
    changed = {name: value for name, value in fields.items() if current[name] != value}
    _check_migrant_fields({**current, **fields})
    for name, value in changed.items():
        setattr(migrant, name, value)
    migrant.updated_by = actor
    migrant.full_clean()
    migrant.save()
    audit_record(
        actor=actor,
        action="migration.migrant.update",
        obj=migrant,
        data={"person": str(migrant.person.public_id) if migrant.person else "", "fields": sorted(changed)},
    )
    return migrant


def _ready_errors(migrant: Migrant) -> list[str]:
    """What must be on record before the documents count as ready."""
    missing = []
    if not (migrant.passport_number and migrant.passport_expires_on):
        missing.append(_("the passport"))
    if not (migrant.visa_number and migrant.visa_expires_on):
        missing.append(_("the visa"))
    if not (migrant.work_permit_number and migrant.work_permit_expires_on):
        missing.append(_("the work permit"))
    if not migrant.orientation_completed_on:
        missing.append(_("the pre-departure orientation"))
    if migrant.health_check_result != Migrant.HealthResult.FIT:
        missing.append(_("a health check finding the worker fit"))
    if not migrant.insurance_policy_number:
        missing.append(_("the insurance"))
    return missing


@transaction.atomic
def migrant_transition(*, actor: Any, migrant: Migrant, status: str, note: str = "") -> Migrant:
    """Move the record along registered → documents → departed → abroad → returned, with a history row."""
    migrant = Migrant.objects.select_for_update().get(pk=migrant.pk)
    if not access.has_migration_role(actor, migrant.office_id):
        raise PermissionDenied
    if status not in Migrant.TRANSITIONS[migrant.status]:
        raise ValidationError(_("This change of status is not possible now."), code="not_allowed")
    if status == Migrant.Status.DOCUMENTS:
        missing = _ready_errors(migrant)
        if missing:
            raise ValidationError(
                _("Record these first: %(missing)s.") % {"missing": ", ".join(missing)}, code="not_ready"
            )
        errors = _document_errors({name: getattr(migrant, name) for name in MIGRANT_FIELDS})
        if errors:
            raise ValidationError(errors)
    previous = migrant.status
    migrant.status = status
    if status == Migrant.Status.RETURNED:
        migrant.returned_on = timezone.localdate()
    migrant.updated_by = actor
    migrant.save(update_fields=["status", "returned_on", "updated_by", "updated_at"])
    MigrantStatusChange.objects.create(
        migrant=migrant, from_status=previous, status=status, note=note.strip(), actor=actor
    )
    audit_record(
        actor=actor,
        action="migration.migrant.transition",
        obj=migrant,
        data={"person": str(migrant.person.public_id) if migrant.person else "", "from": previous, "to": status},
    )
    return migrant


@transaction.atomic
def migrant_read(*, actor: Any, migrant: Migrant, via: str = "page") -> None:
    """Record that an officer opened a migrant's record, for the person's "who read my data" page."""
    if migrant.person_id is not None and getattr(actor, "pk", None) == migrant.person_id:
        return
    audit_record(
        actor=actor,
        action=f"migration.migrant.read.{via}",
        obj=migrant,
        data={"person": str(migrant.person.public_id) if migrant.person else "", "reference": migrant.reference},
    )


CARD_STATUSES = {Migrant.Status.DOCUMENTS, Migrant.Status.DEPARTED, Migrant.Status.ABROAD}


def migrant_card_issue(*, actor: Any, migrant: Migrant) -> Any:
    """The pre-departure card: a signed PDF with a QR that /verify/ checks. Issued once documents are ready;
    asking again returns the card already issued."""
    from elaos.documents.services import document_issue

    if not access.has_migration_role(actor, migrant.office_id) and getattr(actor, "pk", None) != migrant.person_id:
        raise PermissionDenied
    if migrant.card_document_id:
        return migrant.card_document_id
    if migrant.status not in CARD_STATUSES or migrant.person is None:
        raise ValidationError(_("The card is issued once the travel documents are ready."), code="not_ready")
    with translation.override("lo"):
        document = document_issue(
            actor=actor,
            holder=migrant.person,
            issuer=migrant.office,
            type_code="pre-departure-card",
            title_lo="ບັດແຮງງານກ່ອນເດີນທາງໄປເຮັດວຽກຕ່າງປະເທດ",
            title_en="Pre-departure card",
            template_name="migration/documents/pre_departure_card.html",
            context={"migrant": migrant},
            subject_type="migration.migrant",
            subject_id=str(migrant.public_id),
        )
    with transaction.atomic():
        updated = Migrant.objects.filter(pk=migrant.pk, card_document_id__isnull=True).update(
            card_document_id=document.public_id
        )
        if updated:
            audit_record(
                actor=actor,
                action="migration.migrant.card_issue",
                obj=migrant,
                data={"person": str(migrant.person.public_id), "document": str(document.public_id)},
            )
    migrant.refresh_from_db()
    return migrant.card_document_id


@transaction.atomic
def correction_request_create(*, actor: Any, migrant: Migrant, details: str) -> CorrectionRequest:
    if getattr(actor, "pk", None) is None or migrant.person_id != actor.pk:
        raise PermissionDenied
    if not details.strip():
        raise ValidationError({"details": _("Say what is wrong and what it should say.")})
    request = CorrectionRequest.objects.create(
        migrant=migrant, requested_by=actor, details=details.strip(), created_by=actor, updated_by=actor
    )
    audit_record(
        actor=actor,
        action="migration.correction_request",
        obj=request,
        data={"person": str(actor.public_id), "migrant": migrant.reference},
    )
    return request


@transaction.atomic
def correction_request_resolve(
    *, actor: Any, request: CorrectionRequest, status: str, resolution: str
) -> CorrectionRequest:
    request = CorrectionRequest.objects.select_for_update().select_related("migrant").get(pk=request.pk)
    if not access.has_migration_role(actor, request.migrant.office_id):
        raise PermissionDenied
    if request.status != CorrectionRequest.Status.OPEN:
        raise ValidationError(_("This request was already answered."), code="answered")
    if status not in (CorrectionRequest.Status.CORRECTED, CorrectionRequest.Status.REFUSED):
        raise ValidationError({"status": _("Choose an answer.")})
    if not resolution.strip():
        raise ValidationError({"resolution": _("Explain the answer to the person.")})
    request.status, request.resolution = status, resolution.strip()
    request.resolved_by, request.resolved_at, request.updated_by = actor, timezone.now(), actor
    request.save()
    audit_record(actor=actor, action="migration.correction_resolve", obj=request, data={"status": status})
    return request


def person_for_phone(*, phone: str, given_name_lo: str, family_name_lo: str) -> Any:
    """The account of the person an officer registers: found by mobile number, or created (the person then signs
    in with the number and an SMS code, and sees their record)."""
    from elaos.accounts.phone import normalize_lao_mobile

    number = normalize_lao_mobile(phone)
    User = get_user_model()
    person = User.objects.filter(phone=number).first()
    if person is not None:
        return person
    person = User(phone=number, given_name_lo=given_name_lo.strip(), family_name_lo=family_name_lo.strip())
    person.set_unusable_password()
    person.full_clean(exclude=["password"])
    person.save()
    return person


# Complaints


def complaints_office() -> Organisation:
    """The office that receives complaints not tied to a migrant record."""
    code = getattr(settings, "MIGRATION_COMPLAINTS_OFFICE", "molsw-skills-migration")
    office = Organisation.objects.active().filter(code=code).first()
    if office is None:
        office = Organisation.objects.active().filter(code=access.ministry_code()).first()
    if office is None:
        raise ValidationError(_("Complaints cannot be received yet: no office is set up for them."))
    return office


@transaction.atomic
def complaint_file(
    *,
    actor: Any,
    complainant_kind: str,
    against: str,
    category: str,
    description: str,
    anonymous: bool = False,
    agency: RecruitmentAgency | None = None,
    employer_name: str = "",
    destination: str = "",
    contact_phone: str = "",
    migrant: Migrant | None = None,
    office: Organisation | None = None,
    files: list[UploadedFile] | None = None,
    submission_key: Any = None,
) -> tuple[Complaint, str]:
    """File a complaint; returns it with the secret code to follow it (only for anonymous complaints, shown once).
    The same submission key files one complaint only."""
    if submission_key and (existing := Complaint.objects.filter(submission_key=submission_key).first()):
        return existing, ""
    signed_in = getattr(actor, "is_authenticated", False)
    if complainant_kind == Complaint.Complainant.OFFICER and (
        office is None or not access.has_migration_role(actor, office)
    ):
        raise PermissionDenied
    if not anonymous and not signed_in and not contact_phone.strip():
        raise ValidationError(
            {"contact_phone": _("Sign in, give a phone number, or choose to complain anonymously.")},
            code="no_contact",
        )
    errors = {}
    if against == Complaint.Against.AGENCY and agency is None:
        errors["agency"] = _("Choose the agency the complaint is about.")
    if against == Complaint.Against.EMPLOYER and not employer_name.strip():
        errors["employer_name"] = _("Name the employer the complaint is about.")
    if not description.strip():
        errors["description"] = _("Describe what happened.")
    if errors:
        raise ValidationError(errors)
    if office is None:
        office = migrant.office if migrant else complaints_office()
    reference = _new_reference("CMP", Complaint)
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(10)) if anonymous else ""
    sla = getattr(settings, "MIGRATION_COMPLAINT_SLA_DAYS", 15)
    complaint = Complaint(
        reference=reference,
        submission_key=submission_key,
        secret_hash=_secret_hash(reference, code) if code else "",
        complainant=None if anonymous or not signed_in or complainant_kind == "officer" else actor,
        complainant_kind=complainant_kind,
        anonymous=anonymous,
        contact_phone="" if anonymous else contact_phone.strip(),
        migrant=migrant,
        office=office,
        against=against,
        agency=agency if against == Complaint.Against.AGENCY else None,
        employer_name=employer_name.strip(),
        destination=destination,
        category=category,
        description=description.strip(),
        due_at=add_working_days(timezone.now(), sla),
        created_by=_user(actor),
        updated_by=_user(actor),
    )
    complaint.full_clean()
    complaint.save()
    ComplaintStatusChange.objects.create(complaint=complaint, status=complaint.status, actor=_user(actor))
    for upload in files or []:
        try:
            _evidence_store(actor=actor, complaint=complaint, upload=upload)
        except ValidationError as exc:
            # The whole complaint is refused (the transaction rolls back): the sender fixes the file and sends again.
            raise ValidationError({"evidence": exc.messages}, code="bad_evidence") from exc
    audit_record(
        actor=actor,
        action="migration.complaint_file",
        obj=complaint,
        data={"category": category, "against": against, "anonymous": anonymous, "office": office.code},
    )
    return complaint, code


def _evidence_store(*, actor: Any, complaint: Complaint, upload: UploadedFile) -> ComplaintEvidence:
    max_bytes = getattr(settings, "MIGRATION_EVIDENCE_MAX_BYTES", 5 * 1024 * 1024)
    checked = check_upload(upload, allowed=EVIDENCE_TYPES, max_bytes=max_bytes)
    original_name = Path(upload.name or "").name[:200]
    upload.name = f"{secrets.token_hex(16)}.{checked.kind}"
    evidence = ComplaintEvidence.objects.create(
        complaint=complaint,
        file=upload,
        original_name=original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        created_by=_user(actor),
    )
    audit_record(actor=actor, action="migration.complaint_evidence", obj=complaint, data={"sha256": checked.sha256})
    return evidence


@transaction.atomic
def complaint_evidence_add(*, actor: Any, complaint: Complaint, upload: UploadedFile) -> ComplaintEvidence:
    if complaint.status == Complaint.Status.CLOSED:
        raise ValidationError(_("This complaint is closed."), code="closed")
    return _evidence_store(actor=actor, complaint=complaint, upload=upload)


@transaction.atomic
def complaint_transition(
    *,
    actor: Any,
    complaint: Complaint,
    status: str,
    note: str = "",
    inspection_office: Organisation | None = None,
    outcome: str = "",
    outcome_note: str = "",
) -> Complaint:
    """Examine, refer to labour inspection, or close with an outcome. An upheld complaint against an agency
    appears on the agency's public record."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    officer = access.has_migration_role(actor, complaint.office_id)
    inspector = (
        complaint.inspection_office_id is not None
        and access.inspection_offices_of(actor).filter(pk=complaint.inspection_office_id).exists()
    )
    if not (officer or (inspector and status == Complaint.Status.CLOSED)):
        raise PermissionDenied
    if status not in Complaint.TRANSITIONS[complaint.status]:
        raise ValidationError(_("This change of status is not possible now."), code="not_allowed")
    if status == Complaint.Status.REFERRED:
        if inspection_office is None:
            raise ValidationError({"inspection_office": _("Choose the labour inspection office.")})
        complaint.inspection_office, complaint.referred_at = inspection_office, timezone.now()
    if status == Complaint.Status.CLOSED:
        if outcome not in Complaint.Outcome.values:
            raise ValidationError({"outcome": _("Choose the outcome.")})
        if not outcome_note.strip():
            raise ValidationError({"outcome_note": _("Explain the outcome to the complainant.")})
        complaint.outcome, complaint.outcome_note, complaint.closed_at = outcome, outcome_note.strip(), timezone.now()
    previous = complaint.status
    complaint.status, complaint.updated_by = status, actor
    complaint.save()
    ComplaintStatusChange.objects.create(
        complaint=complaint, from_status=previous, status=status, note=note.strip(), actor=actor
    )
    audit_record(
        actor=actor,
        action="migration.complaint_transition",
        obj=complaint,
        data={"from": previous, "to": status, "outcome": complaint.outcome},
    )
    return complaint


# Returnees and referrals


@transaction.atomic
def returnee_register(*, actor: Any, office: Organisation, consent: bool, **fields: Any) -> Returnee:
    if not access.has_migration_role(actor, office):
        raise PermissionDenied
    if not consent:
        raise ValidationError(
            {"consent": _("The record can only be kept with the returnee's agreement to its purpose.")},
            code="no_consent",
        )
    needs = [n for n in fields.pop("needs", []) if n in Need.values]
    if fields.get("registered_at") == Returnee.Place.BORDER and not str(fields.get("border_point", "")).strip():
        raise ValidationError({"border_point": _("Name the border point.")})
    if fields.get("returned_on") and fields["returned_on"] > timezone.localdate():
        raise ValidationError({"returned_on": _("The return date cannot be in the future.")})
    returnee = Returnee(
        reference=_new_reference("RET", Returnee),
        office=office,
        needs=needs,
        consent_purpose="reintegration",
        consented_at=timezone.now(),
        created_by=actor,
        updated_by=actor,
        **fields,
    )
    returnee.full_clean()
    returnee.save()
    audit_record(actor=actor, action="migration.returnee_register", obj=returnee, data={"office": office.code})
    return returnee


@transaction.atomic
def returnee_assess(*, actor: Any, returnee: Returnee, needs: list[str], needs_note: str) -> Returnee:
    if not access.has_migration_role(actor, returnee.office_id):
        raise PermissionDenied
    returnee.needs = [n for n in needs if n in Need.values]
    returnee.needs_note, returnee.updated_by = needs_note.strip(), actor
    returnee.save(update_fields=["needs", "needs_note", "updated_by", "updated_at"])
    audit_record(actor=actor, action="migration.returnee_assess", obj=returnee, data={"needs": returnee.needs})
    return returnee


@transaction.atomic
def referral_create(
    *,
    actor: Any,
    returnee: Returnee,
    need: str,
    to_office: Organisation | None = None,
    to_npa: Any = None,
    note: str = "",
) -> Referral:
    if not access.has_migration_role(actor, returnee.office_id):
        raise PermissionDenied
    if (to_office is None) == (to_npa is None):
        raise ValidationError(_("Refer to one government office or one association."), code="one_recipient")
    if to_npa is not None and to_npa.status != "active":
        raise ValidationError({"to_npa": _("Only an active association can take a referral.")})
    if need not in Need.values:
        raise ValidationError({"need": _("Choose the need.")})
    days = getattr(settings, "MIGRATION_REFERRAL_ANSWER_DAYS", 5)
    referral = Referral(
        returnee=returnee,
        need=need,
        to_office=to_office,
        to_npa=to_npa,
        note=note.strip(),
        due_at=add_working_days(timezone.now(), days),
        created_by=actor,
        updated_by=actor,
    )
    referral.full_clean()
    referral.save()
    _tell_referral_recipients(referral)
    audit_record(
        actor=actor,
        action="migration.referral_create",
        obj=referral,
        data={
            "returnee": returnee.reference,
            "need": need,
            "to": to_office.code if to_office else f"npa:{to_npa.registration_number}",
        },
    )
    return referral


def referral_recipient_users(referral: Referral) -> list[Any]:
    """Who answers a referral: the staff holding a migration role in the receiving office (its office
    administrators when nobody there does), or the administrators of the receiving association."""
    from elaos.agencies.access import office_assignments

    if referral.to_npa_id is not None:
        from elaos.civil_society.selectors import npa_admin_users

        return list(npa_admin_users(referral.to_npa))
    assignments = office_assignments(referral.to_office).select_related("user")
    people = [a.user for a in assignments.filter(role__code__in=access.MIGRATION_ROLES)]
    if not people:
        people = [a.user for a in assignments.filter(role__code="office_admin")]
    return list({user.pk: user for user in people}.values())


def _notify(users: list[Any], *, key: str, subject: str, body: str, values: dict[str, Any]) -> None:
    """E-mail each person, or send an SMS to those without an e-mail address, in their language (Lao unless they
    chose English). `subject` and `body` are message ids; delivery happens once the transaction commits."""
    for user in users:
        with translation.override(user.preferred_language or "lo"):
            text = _(body) % values
            if user.email:
                email_send(to=user.email, subject=_(subject) % values, body=text, idempotency_key=f"{key}:{user.pk}")
            elif user.phone:
                sms_send(to=user.phone, body=text, idempotency_key=f"{key}:{user.pk}")


def _tell_referral_recipients(referral: Referral) -> None:
    """Tell the receiving office or association a referral waits for its answer. The returnee's name stays out
    of the message: the recipient reads it on the referral page, signed in."""
    due = timezone.localtime(referral.due_at).date()
    for user in referral_recipient_users(referral):
        with translation.override(user.preferred_language or "lo"):
            values = {"need": referral.get_need_display(), "date": due.isoformat()}
        _notify(
            [user],
            key=f"migration-referral-new:{referral.public_id}",
            subject=gettext_noop("A reintegration referral waits for your answer"),
            body=gettext_noop(
                "e-Laos: a returnee was referred to you for help (%(need)s). Accept or decline by %(date)s "
                "on e-Laos, under Referrals."
            ),
            values=values,
        )


def is_referral_recipient(user: Any, referral: Referral) -> bool:
    from elaos.migration.selectors import npa_ids_of

    if referral.to_office_id is not None:
        return access.staff_offices_of(user).filter(pk=referral.to_office_id).exists()
    return referral.to_npa_id in npa_ids_of(user)


@transaction.atomic
def referral_respond(*, actor: Any, referral: Referral, accept: bool, reason: str = "") -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if not is_referral_recipient(actor, referral):
        raise PermissionDenied
    if referral.status != Referral.Status.PENDING:
        raise ValidationError(_("This referral was already answered."), code="answered")
    if not accept and not reason.strip():
        raise ValidationError({"reason": _("Say why the referral is declined.")})
    now = timezone.now()
    referral.status = Referral.Status.ACCEPTED if accept else Referral.Status.DECLINED
    referral.decline_reason = "" if accept else reason.strip()
    referral.responded_at, referral.responded_by, referral.updated_by = now, actor, actor
    if accept:
        referral.due_at = add_working_days(now, getattr(settings, "MIGRATION_REFERRAL_OUTCOME_DAYS", 30))
        referral.escalated_at = None
    referral.save()
    audit_record(
        actor=actor, action=f"migration.referral_{referral.status}", obj=referral, data={"reason": reason.strip()}
    )
    return referral


@transaction.atomic
def referral_report_outcome(*, actor: Any, referral: Referral, outcome: str) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if not is_referral_recipient(actor, referral):
        raise PermissionDenied
    if referral.status != Referral.Status.ACCEPTED:
        raise ValidationError(_("Only an accepted referral has an outcome to report."), code="not_accepted")
    if not outcome.strip():
        raise ValidationError({"outcome": _("Describe the help given and its result.")})
    referral.status, referral.outcome = Referral.Status.COMPLETED, outcome.strip()
    referral.completed_at, referral.updated_by = timezone.now(), actor
    referral.save()
    audit_record(actor=actor, action="migration.referral_outcome", obj=referral, data={})
    return referral


@transaction.atomic
def referral_escalate_overdue() -> list[Referral]:
    """Referrals not answered, or accepted without an outcome, by their due time: flagged once each, and the
    supervisors of the referring office are told."""
    from elaos.agencies.access import office_assignments

    overdue = list(
        Referral.objects.select_for_update(of=("self",))
        .select_related("returnee__office")
        .filter(
            status__in=(Referral.Status.PENDING, Referral.Status.ACCEPTED),
            due_at__lt=timezone.now(),
            escalated_at__isnull=True,
        )
    )
    for referral in overdue:
        referral.escalated_at = timezone.now()
        referral.save(update_fields=["escalated_at", "updated_at"])
        audit_record(action="migration.referral_escalate", obj=referral, data={"status": referral.status})
        office = referral.returnee.office
        supervisors = office_assignments(office).filter(role__code__in=access.SUPERVISOR_ROLES).select_related("user")
        for assignment in supervisors:
            user = assignment.user
            with translation.override(user.preferred_language or "lo"):
                values = {
                    "ref": referral.returnee.reference,
                    "need": referral.get_need_display(),
                    "status": referral.get_status_display(),
                }
            _notify(
                [user],
                key=f"migration-referral:{referral.public_id}:{referral.status}",
                subject=gettext_noop("Overdue referral"),
                body=gettext_noop("Referral for returnee %(ref)s (%(need)s) is overdue: %(status)s."),
                values=values,
            )
    return overdue


# Reminders and retention


def work_permit_remind(*, today: datetime.date | None = None) -> int:
    """SMS the worker when the work permit expires within each reminder period; once per period and permit."""
    today = today or timezone.localdate()
    periods = sorted(getattr(settings, "MIGRATION_PERMIT_REMINDER_DAYS", [90, 45]), reverse=True)
    horizon = today + datetime.timedelta(days=max(periods))
    sent = 0
    candidates = Migrant.objects.filter(
        status__in=(Migrant.Status.DOCUMENTS, Migrant.Status.DEPARTED, Migrant.Status.ABROAD),
        work_permit_expires_on__gte=today,
        work_permit_expires_on__lte=horizon,
        person__isnull=False,
        anonymised_at__isnull=True,
    ).select_related("person")
    for migrant in candidates:
        days_left = (migrant.work_permit_expires_on - today).days  # type: ignore[operator]
        due = [p for p in periods if days_left <= p]
        if not due:
            continue
        period = min(due)
        marker = f"{migrant.work_permit_expires_on.isoformat()}:{period}"  # type: ignore[union-attr]
        if marker in migrant.permit_reminders_sent or not migrant.person.phone:  # type: ignore[union-attr]
            continue
        with transaction.atomic():
            person = migrant.person
            with translation.override(person.preferred_language or "lo"):  # type: ignore[union-attr]
                text = _(
                    "e-Laos: your work permit expires on %(date)s (%(days)s days). Renew it or plan to be home "
                    "30 days before it ends. Help: 1505."
                ) % {"date": migrant.work_permit_expires_on.isoformat(), "days": days_left}  # type: ignore[union-attr]
            sms_send(to=person.phone, body=text, idempotency_key=f"migration-permit:{migrant.public_id}:{marker}")  # type: ignore[union-attr]
            Migrant.objects.filter(pk=migrant.pk).update(permit_reminders_sent=[*migrant.permit_reminders_sent, marker])
            audit_record(action="migration.permit_reminder", obj=migrant, data={"marker": marker})
        sent += 1
    return sent


@transaction.atomic
def retention_sweep(*, today: datetime.date | None = None) -> dict[str, int]:
    """Anonymise what is past its retention period (settings.MIGRATION_RETENTION_DAYS after the purpose ended):
    returned migrants, closed complaints (their evidence files deleted) and returnees with no open referral.
    What statistics need (sex, year of birth, province, country, industry, category, outcome) is kept."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=getattr(settings, "MIGRATION_RETENTION_DAYS", 5 * 365))
    now = timezone.now()
    counts = {"migrants": 0, "complaints": 0, "returnees": 0}
    for migrant in Migrant.objects.filter(
        status=Migrant.Status.RETURNED, returned_on__lt=cutoff, anonymised_at__isnull=True
    ):
        for field in (
            "employer_address",
            "deductions_note",
            "passport_number",
            "visa_number",
            "work_permit_number",
            "health_check_result",
            "insurance_policy_number",
        ):
            setattr(migrant, field, "")
        migrant.person, migrant.anonymised_at = None, now
        migrant.save()
        migrant.correction_requests.all().delete()
        audit_record(action="migration.migrant.anonymise", obj=migrant, data={})
        counts["migrants"] += 1
    for complaint in Complaint.objects.filter(
        status=Complaint.Status.CLOSED, closed_at__date__lt=cutoff, anonymised_at__isnull=True
    ):
        for evidence in complaint.evidence.all():
            evidence.file.delete(save=False)
            evidence.delete()
        complaint.description, complaint.contact_phone, complaint.complainant = "", "", None
        complaint.migrant, complaint.secret_hash, complaint.anonymised_at = None, "", now
        complaint.save()
        audit_record(action="migration.complaint_anonymise", obj=complaint, data={})
        counts["complaints"] += 1
    open_referrals = Referral.objects.filter(status__in=(Referral.Status.PENDING, Referral.Status.ACCEPTED))
    for returnee in Returnee.objects.filter(returned_on__lt=cutoff, anonymised_at__isnull=True).exclude(
        pk__in=open_referrals.values("returnee")
    ):
        returnee.full_name, returnee.phone, returnee.needs_note, returnee.person = "", "", "", None
        returnee.anonymised_at = now
        returnee.save()
        audit_record(action="migration.returnee_anonymise", obj=returnee, data={})
        counts["returnees"] += 1
    return counts


# Safe-migration information


@transaction.atomic
def info_page_save(*, actor: Any, country: str, **fields: Any) -> InfoPage:
    if not access.can_manage_register(actor):
        raise PermissionDenied
    page = InfoPage.objects.filter(country=country).first() or InfoPage(country=country, created_by=actor)
    for name, value in fields.items():
        setattr(page, name, value.strip() if isinstance(value, str) else value)
    page.updated_by = actor
    page.full_clean()
    page.save()
    audit_record(actor=actor, action="migration.info_page_save", obj=page, data={"country": country})
    return page
