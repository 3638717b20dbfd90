"""Writes of the public-services domain: the catalogue (imported as data, versioned) and applications."""

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from elaos.agencies.access import active_assignments
from elaos.agencies.models import Organisation
from elaos.core.audit import audit_at_end, audit_record, audit_record_many
from elaos.core.models import District, Province
from elaos.search.services import search_index
from elaos.services.access import can_manage_definitions
from elaos.services.definition import DEFINITIONS_DIR, load_file, resolve_workflow, service_errors
from elaos.services.models import (
    Application,
    ApplicationFile,
    ApplicationNote,
    Category,
    LifeEvent,
    Service,
    ServiceVersion,
)
from elaos.services.uploads import CheckedUpload, check_upload, store_upload
from elaos.workflows.actions import known_actions, known_office_resolvers
from elaos.workflows.services import (
    workflow_definition_publish,
    workflow_route,
    workflow_start,
    workflow_transition,
)

SUBJECT_TYPE = "services.application"
EDITABLE_STATES = {"draft", "info_requested"}

SubmissionCheck = Callable[[Application], dict[str, list[str]]]
# Checks that only the owning domain can make (a name already in its register, who may act for an association),
# registered in its AppConfig.ready() like workflow actions (docs/adr/0002-engines-and-registries.md).
_submission_checks: dict[str, list[SubmissionCheck]] = {}


def register_submission_check(service_code: str, check: SubmissionCheck) -> None:
    """Run `check` on every application to `service_code` when it is sent; it returns errors by field name.
    Registering the same check twice keeps one."""
    checks = _submission_checks.setdefault(service_code, [])
    if check not in checks:
        checks.append(check)


def known_codes() -> dict[str, set[str]]:
    return {
        "organisations": set(Organisation.objects.values_list("code", flat=True)),
        "categories": set(Category.objects.values_list("code", flat=True)),
        "life_events": set(LifeEvent.objects.values_list("code", flat=True)),
        "actions": known_actions(),
        "office_resolvers": known_office_resolvers(),
    }


def service_errors_for(definition: dict[str, Any]) -> list[str]:
    """Every problem with a definition, checked against the organisations, categories and actions that exist."""
    return service_errors(definition, known=known_codes())


@transaction.atomic
def service_import(*, actor: Any, definition: dict[str, Any]) -> ServiceVersion:
    """Validate and publish a service definition. An unchanged definition publishes nothing new; a changed one
    becomes a new version, and applications already running keep the version they started with."""
    errors = service_errors_for(definition)
    if errors:
        raise ValidationError(errors)
    agency = Organisation.objects.get(code=definition["agency"])
    if actor is not None and not can_manage_definitions(actor, agency):
        raise PermissionDenied
    existing = Service.objects.filter(code=definition["code"]).select_related("agency").first()
    if actor is not None and existing is not None and not can_manage_definitions(actor, existing.agency):
        raise PermissionDenied
    service, _created = Service.objects.get_or_create(
        code=definition["code"],
        defaults={"agency": agency, "name_lo": definition["name_lo"], "name_en": definition["name_en"]},
    )
    latest = service.versions.select_for_update().order_by("-version").first()
    if latest is not None and latest.definition == definition and latest.status == ServiceVersion.Status.PUBLISHED:
        return latest
    workflow = workflow_definition_publish(
        code=f"service-{service.code}",
        name_lo=definition["name_lo"],
        name_en=definition["name_en"],
        definition=resolve_workflow(definition),
    )
    service.versions.filter(status=ServiceVersion.Status.PUBLISHED).update(status=ServiceVersion.Status.RETIRED)
    version = ServiceVersion.objects.create(
        service=service,
        version=(latest.version + 1) if latest else 1,
        definition=definition,
        workflow=workflow,
        status=ServiceVersion.Status.PUBLISHED,
        published_at=timezone.now(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    service.agency = agency
    service.current_version = version
    service.name_lo, service.name_en = definition["name_lo"], definition["name_en"]
    service.summary_lo, service.summary_en = definition["summary_lo"], definition["summary_en"]
    service.fee_kip = sum(f["amount_kip"] for f in definition.get("fees", []))
    service.sla_days = definition["sla_days"]
    service.save()
    service.offices.set(Organisation.objects.filter(code__in=definition.get("offices", [])))
    service.categories.set(Category.objects.filter(code__in=definition.get("categories", [])))
    service.life_events.set(LifeEvent.objects.filter(code__in=definition.get("life_events", [])))
    search_index(
        kind="service",
        key=service.code,
        title_lo=service.name_lo,
        title_en=service.name_en,
        body_lo=" ".join(definition.get(k, "") for k in ("summary_lo", "description_lo", "eligibility_lo")),
        body_en=" ".join(definition.get(k, "") for k in ("summary_en", "description_en", "eligibility_en")),
        url=f"/services/{service.code}/",
    )
    audit_record(actor=actor, action="service.publish", obj=service, data={"version": version.version})
    return version


def service_import_directory(*, actor: Any, directory: Path = DEFINITIONS_DIR) -> list[ServiceVersion]:
    return [
        service_import(actor=actor, definition=load_file(path))
        for path in sorted(directory.glob("*.y*ml")) + sorted(directory.glob("*.json"))
    ]


def _route_office(service: Service, applicant: Any) -> Organisation | None:
    """The office that handles the application: the one in the applicant's district, else province, else the
    first office of the service, else the agency itself."""
    offices = list(service.offices.active().select_related("district", "province"))
    for match in (
        lambda o: applicant.district_id and o.district_id == applicant.district_id,
        lambda o: applicant.province_id and o.province_id == applicant.province_id and not o.district_id,
        lambda o: True,
    ):
        for office in offices:
            if match(office):
                return office
    return service.agency


def routed_office(application: Application) -> Organisation | None:
    """The office the definition's routing rule picks from the form (see definition.py), or None to keep the
    default routing. A district without its own office goes to its province's department; an area without either
    keeps the default."""
    routing = application.service_version.definition.get("routing")
    rule = routing and routing["rules"].get(application.data.get(routing["field"]))
    if not rule:
        return None
    offices = Organisation.objects.active().select_related("parent")
    if "office" in rule:
        return offices.filter(code=rule["office"]).first()
    field = rule["area_field"]
    code = str(application.data.get(field) or "").strip()
    if not code:
        raise ValidationError({field: [_("This field is required.")]})
    district = District.objects.filter(code=code).first() if rule["kind"] == "district" else None
    province = district.province if district else Province.objects.filter(code=code).first()
    if province is None:
        raise ValidationError({field: [_("This value is not valid.")]})
    candidates = []
    if district is not None:
        candidates += list(offices.filter(kind=Organisation.Kind.DISTRICT_OFFICE, district=district))
    candidates += list(offices.filter(kind=Organisation.Kind.PROVINCIAL_DEPARTMENT, province=province))
    return next((o for o in candidates if o.ministry.code == rule["parent"]), None)


def _new_reference() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone
    return f"A{timezone.now():%y}-" + "".join(secrets.choice(alphabet) for _ in range(7))


@audit_at_end()
def application_create(*, applicant: Any, service: Service) -> Application:
    version = service.current_version
    if version is None or version.status != ServiceVersion.Status.PUBLISHED:
        raise ValidationError(_("This service is not open for applications."))
    for _attempt in range(5):
        try:
            with transaction.atomic():
                application = Application.objects.create(
                    reference=_new_reference(),
                    applicant=applicant,
                    service_version=version,
                    office=_route_office(service, applicant),
                    state=version.workflow.definition["initial"],
                    created_by=applicant,
                )
            break
        except IntegrityError:
            continue
    else:
        raise RuntimeError("could not allocate an application reference")
    application.workflow = workflow_start(
        definition=version.workflow,
        subject_type=SUBJECT_TYPE,
        subject_id=str(application.public_id),
        applicant=applicant,
        office=application.office,
        actor=applicant,
    )
    application.save(update_fields=["workflow"])
    audit_record(actor=applicant, action="application.create", obj=application, data={"service": service.code})
    return application


def _own_editable(actor: Any, application: Application) -> None:
    if application.applicant_id != getattr(actor, "pk", None):
        raise PermissionDenied
    if application.state not in EDITABLE_STATES:
        raise ValidationError(_("This application can no longer be changed."))


def _locked(**lookup: Any) -> Application:
    """The application row, locked until the transaction ends, with what its moves and actions read (the service,
    the applicant, the workflow instance) in the same query. Only the application row is locked: the service
    version and the applicant are shared by many applications."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("service_version__service", "applicant", "workflow")
        .get(**lookup)
    )


def _draft_data(application: Application, data: dict[str, Any]) -> dict[str, Any]:
    properties = application.service_version.definition["form"]["schema"]["properties"]
    return {k: v for k, v in data.items() if k in properties}


@transaction.atomic
def application_save_draft(*, actor: Any, application: Application, data: dict[str, Any]) -> Application:
    """Keep what the applicant typed, valid or not yet complete: the full check comes at submission."""
    application = _locked(pk=application.pk)
    _own_editable(actor, application)
    application.data = _draft_data(application, data)
    application.updated_by = actor
    application.save(update_fields=["data", "updated_by", "updated_at"])
    return application


@dataclass(frozen=True)
class _StoredUpload:
    """A file written to storage whose row is not made yet."""

    requirement: str
    name: str
    original_name: str
    checked: CheckedUpload


def _file_field() -> Any:
    return ApplicationFile._meta.get_field("file")


def _store(application: Application, requirement: str, upload: UploadedFile) -> _StoredUpload:
    """Check an upload against what the service asks for and write it to storage (before any transaction: no
    lock is held while the file is written). A failed write leaves nothing behind (store_upload)."""
    spec = next(
        (d for d in application.service_version.definition.get("documents", []) if d["code"] == requirement), None
    )
    if spec is None:
        raise ValidationError(_("This application does not ask for that document."))
    max_bytes = min(int(spec.get("max_mb", 5) * 1024 * 1024), settings.SERVICES_UPLOAD_MAX_BYTES)
    checked = check_upload(upload, allowed=spec.get("types", ["pdf", "jpeg", "png"]), max_bytes=max_bytes)
    field_ = _file_field()
    # The stored name is random: what the user called the file is kept only as text.
    name = store_upload(
        field_.storage, field_.generate_filename(None, f"{secrets.token_hex(16)}.{checked.kind}"), upload
    )
    return _StoredUpload(requirement, name, Path(upload.name or "").name[:200], checked)


def _file_rows(actor: Any, application: Application, stored: list[_StoredUpload]) -> list[ApplicationFile]:
    """The rows of files already written, and their audit events, in the caller's transaction."""
    if not stored:
        return []
    rows = [
        ApplicationFile(
            application=application,
            requirement=item.requirement,
            file=item.name,
            original_name=item.original_name,
            content_type=item.checked.content_type,
            size=item.checked.size,
            sha256=item.checked.sha256,
            created_by=actor,
        )
        for item in stored
    ]
    if len(rows) == 1:
        rows[0].save(force_insert=True)
        audit_record(
            actor=actor,
            action="application.upload",
            obj=application,
            data={"requirement": stored[0].requirement, "sha256": stored[0].checked.sha256},
        )
        return rows
    ApplicationFile.objects.bulk_create(rows)
    audit_record_many(
        [
            {
                "actor": actor,
                "action": "application.upload",
                "obj": application,
                "data": {"requirement": item.requirement, "sha256": item.checked.sha256},
            }
            for item in stored
        ]
    )
    return rows


def _forget(stored: list[_StoredUpload]) -> None:
    storage = _file_field().storage
    for item in stored:
        storage.delete(item.name)


def application_upload(
    *, actor: Any, application: Application, requirement: str, upload: UploadedFile
) -> ApplicationFile:
    if application.applicant_id != getattr(actor, "pk", None):
        raise PermissionDenied
    # The file is written first, then its row: a failed write leaves neither (store_upload), a failed row removes
    # the file.
    stored = _store(application, requirement, upload)
    try:
        with transaction.atomic():
            application = _locked(pk=application.pk)
            _own_editable(actor, application)
            [row] = _file_rows(actor, application, [stored])
    except BaseException:
        _forget([stored])
        raise
    return row


@dataclass
class ApplicationUpdate:
    """What application_update did: the application as it now is, the files refused (by requirement) and, when
    it was to be sent, what stops it from being sent (by field; empty once it is sent)."""

    application: Application
    file_errors: dict[str, list[str]] = field(default_factory=dict)
    submission_errors: dict[str, list[str]] = field(default_factory=dict)
    sent: bool = False


def application_update(
    *,
    actor: Any,
    application: Application,
    data: dict[str, Any],
    uploads: dict[str, UploadedFile] | None = None,
    submit: bool = False,
) -> ApplicationUpdate:
    """What the edit page's form sends, in one short transaction: keep the answers and the accepted files and,
    with `submit` (and every file accepted), send the application. The files are checked and written before the
    transaction; a refused file is reported, the rest is kept. Answers and files are kept even when the
    application cannot be sent yet. Raises ValidationError (a message, no fields) when the application can no
    longer be changed, e.g. a double click on Submit whose first click sent it."""
    if application.applicant_id != getattr(actor, "pk", None):
        raise PermissionDenied
    result = ApplicationUpdate(application=application)
    stored: list[_StoredUpload] = []
    for requirement, upload in (uploads or {}).items():
        try:
            stored.append(_store(application, requirement, upload))
        except ValidationError as exc:
            result.file_errors[requirement] = exc.messages
    try:
        with audit_at_end():
            locked = _locked(pk=application.pk)
            _own_editable(actor, locked)
            locked.data = _draft_data(locked, data)
            locked.updated_by = actor
            _file_rows(actor, locked, stored)
            if submit and not result.file_errors and locked.state == "draft" and locked.submitted_at is None:
                result.submission_errors = _send(actor, locked, draft_saved=False)
                result.sent = not result.submission_errors
            if not result.sent:  # _send wrote the answers with the rest
                locked.save(update_fields=["data", "updated_by", "updated_at"])
    except BaseException:
        _forget(stored)
        raise
    result.application = locked
    return result


def submission_errors(application: Application) -> dict[str, list[str]]:
    """What stops an application from being sent: form fields by name, missing documents under their codes, and what
    the checks registered for its service find."""
    definition = application.service_version.definition
    errors: dict[str, list[str]] = {}
    # An empty answer is no answer: JSON Schema's `required` only asks that the key be there.
    data = {k: v for k, v in application.data.items() if v not in ("", None)}
    validator = jsonschema.Draft202012Validator(definition["form"]["schema"], format_checker=jsonschema.FormatChecker())
    for error in validator.iter_errors(data):
        if error.validator == "required":
            for name in definition["form"]["schema"]["required"]:
                if name not in data:
                    errors.setdefault(name, [_("This field is required.")])
        else:
            field_ = str(error.path[0]) if error.path else "__all__"
            errors.setdefault(field_, []).append(_("This value is not valid."))
    required = [d["code"] for d in definition.get("documents", []) if d.get("required")]
    uploaded = set(application.files.active().values_list("requirement", flat=True)) if required else set()
    for code in required:
        if code not in uploaded:
            errors.setdefault(code, []).append(_("This document is required."))
    for check in _submission_checks.get(application.service_version.service.code, []):
        for field_, messages in check(application).items():
            # One reason a field: what the form itself refuses (required, not valid) is said first.
            if field_ not in errors:
                errors[field_] = list(messages)
    return errors


@audit_at_end()
def application_submit(*, actor: Any, application: Application) -> Application:
    """Send the application. A second submit (a double click, a retried request) changes nothing."""
    application = _locked(pk=application.pk)
    if application.applicant_id != getattr(actor, "pk", None):
        raise PermissionDenied
    if application.submitted_at is not None:
        return application
    if application.state != "draft":
        raise ValidationError(_("This application can no longer be changed."))
    errors = _send(actor, application, draft_saved=True)
    if errors:
        raise ValidationError(errors)
    return application


def _send(actor: Any, application: Application, *, draft_saved: bool) -> dict[str, list[str]]:
    """Send a locked draft (route it, stamp it, move it to its first state), or return what stops it. Writes the
    application's answers too unless `draft_saved`."""
    errors = submission_errors(application)
    if not errors:
        try:
            office = routed_office(application)
        except ValidationError as exc:
            errors = exc.message_dict
    if errors:
        return errors
    if office is not None and office.pk != application.office_id:
        previous = application.office.code if application.office else ""
        application.office = office
        workflow_route(instance=application.workflow, office=office, actor=actor)
        audit_record(
            actor=actor, action="application.route", obj=application, data={"from": previous, "to": office.code}
        )
    application.submitted_at = timezone.now()
    fields = ["submitted_at", "office", "updated_at"]
    if not draft_saved:
        fields += ["data", "updated_by"]
    application.save(update_fields=fields)
    _move(application, "submit", actor)
    return {}


def _move(application: Application, transition: str, actor: Any, **kwargs: Any) -> Application:
    """Make a move of a locked application's workflow. The actions run on entering the new state get the
    application itself (instance.subject) and update it in place, so it is not read again."""
    instance = workflow_transition(
        instance=application.workflow, transition=transition, actor=actor, subject=application, **kwargs
    )
    application.state = instance.state
    if instance.is_terminal and application.decided_at is None:
        application.decided_at = timezone.now()
    application.save(update_fields=["state", "decided_at", "updated_at"])
    return application


@audit_at_end()
def application_respond(*, actor: Any, application: Application, answer: str) -> Application:
    application = _locked(pk=application.pk)
    if application.applicant_id != getattr(actor, "pk", None):
        raise PermissionDenied
    return _move(application, "respond", actor, data={"answer": answer})


@audit_at_end()
def application_withdraw(*, actor: Any, application: Application) -> Application:
    """The applicant takes the application back (while the workflow allows it: a draft, an unpaid one)."""
    application = _locked(pk=application.pk)
    if application.applicant_id != getattr(actor, "pk", None):
        raise PermissionDenied
    return _move(application, "withdraw", actor)


@audit_at_end()
def application_act(
    *, actor: Any, application: Application, transition: str, reason: str = "", expected_version: int | None = None
) -> Application:
    """An officer's move (start review, ask for information, approve, refuse)."""
    application = _locked(pk=application.pk)
    return _move(application, transition, actor, reason=reason, expected_version=expected_version)


@audit_at_end()
def application_payment_received(*, application_id: str) -> Application:
    application = _locked(public_id=application_id)
    if application.state != "awaiting_payment":
        return application
    return _move(application, "payment_received", None, system=True)


@transaction.atomic
def application_note_add(*, actor: Any, application: Application, text: str, internal: bool = True) -> ApplicationNote:
    """Only staff holding a role in the office handling the application write on it."""
    if application.office is None or not active_assignments(actor).filter(organisation=application.office).exists():
        raise PermissionDenied
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the note first.")})
    note = ApplicationNote(application=application, author=actor, text=text, internal=internal, created_by=actor)
    note.full_clean()
    note.save()
    audit_record(actor=actor, action="application.note", obj=application, data={"internal": internal})
    return note
