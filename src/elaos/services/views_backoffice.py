"""The back office of public services: the office queue, one application with its decisions, uploaded files.

Views parse input and call services and selectors. An application routed to another office answers 404, and so
does a move the officer may not make: the back office of one office says nothing about another's work."""

import datetime
import uuid
from types import SimpleNamespace
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from elaos.agencies.access import has_role, office_assignments
from elaos.core.audit import audit_record
from elaos.core.decorators import staff_required
from elaos.core.lao import localized
from elaos.services import selectors, services
from elaos.services.models import Application, Service, ServiceVersion
from elaos.workflows import selectors as workflow_selectors
from elaos.workflows.services import ConcurrentUpdate, TransitionNotAllowed, workflow_assign, workflow_claim
from elaos.workflows.working_days import working_days_between

QUEUE_PAGE_SIZE = 50


def _name(spec: dict[str, Any], field: str = "name") -> str:
    """A bilingual dict of a definition (a workflow state, a transition, a form field's ui hints) in the
    current language."""
    return localized(SimpleNamespace(**spec), field)


# The queue


class QueueFilterForm(forms.Form):
    ANYONE, MINE, NOBODY = "", "me", "none"

    state = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    service = forms.ChoiceField(label=gettext_lazy("Service"), required=False)
    assigned = forms.ChoiceField(
        label=gettext_lazy("Assigned to"),
        required=False,
        choices=[
            (ANYONE, gettext_lazy("Anyone")),
            (MINE, gettext_lazy("Me")),
            (NOBODY, gettext_lazy("Nobody yet")),
        ],
    )

    def __init__(self, *args: Any, states: list[tuple[str, str]], services: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All")), *states]
        self.fields["service"].choices = [("", _("All")), *services]


def _open_work(user: Any) -> QuerySet[Application]:
    # A page of the queue shows 50 applications of a handful of services: the service and workflow definitions
    # (large JSON documents) are fetched once each and shared by the rows, not joined and decoded 50 times, and
    # the applicants' answers are not read at all.
    return (
        selectors.applications_for_staff(user)
        .filter(workflow__is_terminal=False)
        .select_related(None)
        .select_related("office", "applicant", "workflow__assigned_to")
        .prefetch_related(
            Prefetch("service_version", ServiceVersion.objects.defer("definition").select_related("service")),
            "workflow__definition",
        )
        .defer("data")
        .order_by(F("workflow__due_at").asc(nulls_last=True), "submitted_at", "pk")
    )


def _filter_choices(work: QuerySet[Application]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The states and services that occur in the officer's open work, named in the current language."""
    versions = (
        ServiceVersion.objects.filter(pk__in=work.values("service_version"))
        .select_related("workflow")
        .only("service", "workflow__definition")  # not the versions' own (large) definitions
    )
    states: dict[str, str] = {}
    for version in versions:
        for code, spec in version.workflow.definition["states"].items():
            if not spec.get("terminal") and code != "draft":
                states.setdefault(code, _name(spec))
    services_ = Service.objects.filter(pk__in=versions.values("service"))
    return (
        sorted(states.items(), key=lambda item: item[1]),
        sorted(((s.code, localized(s, "name")) for s in services_), key=lambda item: item[1]),
    )


def _service_level(due_at: datetime.datetime | None, today: datetime.date, cache: dict) -> dict[str, Any] | None:
    """Working days left until the due time, or past it: said in words, and a class that only adds colour."""
    if due_at is None:
        return None
    due = timezone.localdate(due_at)
    if due not in cache:
        cache[due] = working_days_between(today, due)
    days = cache[due]
    if due_at < timezone.now():
        # Late by hours, or over a weekend: overdue, though no whole working day has passed yet.
        text = (
            ngettext("%(days)s working day overdue", "%(days)s working days overdue", -days) % {"days": -days}
            if days < 0
            else _("Overdue")
        )
        return {"text": text, "days": days, "css": "sla-overdue"}
    if days == 0:
        return {"text": _("Due today"), "days": 0, "css": "sla-soon"}
    text = ngettext("%(days)s working day left", "%(days)s working days left", days) % {"days": days}
    return {"text": text, "days": days, "css": "sla-soon" if days <= 1 else "sla-ok"}


@staff_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    work = _open_work(request.user)
    states, service_choices = _filter_choices(work)
    form = QueueFilterForm(request.GET or None, states=states, services=service_choices)
    if form.is_bound and form.is_valid():
        filters = form.cleaned_data
        if filters["state"]:
            work = work.filter(state=filters["state"])
        if filters["service"]:
            work = work.filter(service_version__service__code=filters["service"])
        if filters["assigned"] == QueueFilterForm.MINE:
            work = work.filter(workflow__assigned_to=request.user)
        elif filters["assigned"] == QueueFilterForm.NOBODY:
            work = work.filter(workflow__assigned_to__isnull=True)
    page = Paginator(work, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    today, cache = timezone.localdate(), {}
    rows = [
        {
            "application": application,
            "state_name": workflow_selectors.state_name(application.workflow),
            "service_level": _service_level(application.workflow.due_at, today, cache),
        }
        for application in page.object_list
    ]
    return render(
        request,
        "services/backoffice/queue.html",
        {"form": form, "page": page, "rows": rows},
        status=400 if form.errors else 200,
    )


# One application


class NoteForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Note"),
        help_text=gettext_lazy("Seen only by staff of this office, never by the applicant."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


class TransitionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        help_text=gettext_lazy("The applicant will read this reason."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, spec: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, prefix=spec["code"], **kwargs)
        self.spec = spec
        self.name = _name(spec)
        self.fields["reason"].required = bool(spec.get("requires_reason"))


def _form_fields(application: Application) -> list[dict[str, Any]]:
    """The form data in the order and with the labels of the service version the applicant filled in."""
    form = application.service_version.definition["form"]
    ui = form.get("ui", {})
    names = sorted(form["schema"]["properties"], key=lambda n: (ui.get(n, {}).get("order", 1000), n))
    fields = []
    for name in names:
        hints = ui.get(name, {})
        value = application.data.get(name)
        if isinstance(value, bool):
            value = _("Yes") if value else _("No")
        fields.append({"name": name, "label": _name(hints, "label") or name, "value": value})
    return fields


def _files(application: Application) -> list[dict[str, Any]]:
    requirements = {d["code"]: d for d in application.service_version.definition.get("documents", [])}
    return [
        {
            "file": f,
            "requirement": _name(requirements[f.requirement]) if f.requirement in requirements else f.requirement,
        }
        for f in application.files.active()
    ]


def _timeline(application: Application) -> list[dict[str, Any]]:
    instance = application.workflow
    definition = instance.definition
    transitions = {t["code"]: t for t in definition.definition["transitions"]}
    return [
        {
            "row": row,
            "name": _name(transitions[row.transition]) if row.transition in transitions else row.transition,
            "to_state": _name(definition.state(row.to_state)),
        }
        for row in workflow_selectors.history(instance)
    ]


def _staff_moves(application: Application, user: Any) -> list[dict[str, Any]]:
    return [
        spec
        for spec in workflow_selectors.available_transitions(instance=application.workflow, actor=user)
        if spec["by"] == "staff"
    ]


def _detail(
    request: HttpRequest,
    application: Application,
    *,
    note_form: NoteForm | None = None,
    bound: TransitionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    instance = application.workflow
    transition_forms = [
        bound
        if bound is not None and bound.spec["code"] == spec["code"]
        else TransitionForm(spec=spec, initial={"expected_version": instance.version})
        for spec in _staff_moves(application, request.user)
    ]
    return render(
        request,
        "services/backoffice/application.html",
        {
            "application": application,
            "service": application.service,
            "instance": instance,
            "state_name": workflow_selectors.state_name(instance),
            "fields": _form_fields(application),
            "files": _files(application),
            "timeline": _timeline(application),
            "notes": application.notes.active().select_related("author"),
            "note_form": note_form or NoteForm(),
            "transition_forms": transition_forms,
            "can_claim": not instance.is_terminal and instance.assigned_to_id is None,
            "assignees": _assignees(request, instance),
            "service_level": _service_level(instance.due_at, timezone.localdate(), {})
            if not instance.is_terminal
            else None,
        },
        status=status,
    )


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _assignees(request: HttpRequest, instance: Any) -> list[Any]:
    """The office's staff, offered to its administrators to hand the work to (empty for everyone else)."""
    if instance.is_terminal or instance.office is None or not has_role(request.user, "office_admin", instance.office):
        return []
    staff = {a.user.pk: a.user for a in office_assignments(instance.office).select_related("user")}
    return sorted(staff.values(), key=lambda u: u.get_full_name())


def _assign(request: HttpRequest, application: Application) -> HttpResponse:
    instance = application.workflow
    assignee = next(
        (u for u in _assignees(request, instance) if str(u.public_id) == request.POST.get("assignee")), None
    )
    if assignee is None:
        return _conflict(request, application, _("Choose someone who works in this office."))
    try:
        workflow_assign(instance=instance, assignee=assignee, actor=request.user)
    except PermissionDenied as exc:
        raise Http404 from exc
    except (TransitionNotAllowed, ValidationError) as exc:
        return _conflict(request, application, getattr(exc, "message", None) or "; ".join(exc.messages))
    messages.success(request, _("The application is assigned to %(name)s.") % {"name": assignee.get_full_name()})
    return redirect("services_bo:bo_application", public_id=application.public_id)


def _claim(request: HttpRequest, application: Application) -> HttpResponse:
    try:
        workflow_claim(instance=application.workflow, actor=request.user)
    except PermissionDenied as exc:
        raise Http404 from exc
    except TransitionNotAllowed as exc:
        return _conflict(request, application, exc.message)
    messages.success(request, _("You took this application. It is now in your name."))
    return redirect("services_bo:bo_application", public_id=application.public_id)


def _note(request: HttpRequest, application: Application) -> HttpResponse:
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.application_note_add(actor=request.user, application=application, text=form.cleaned_data["text"])
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your note was added."))
            return redirect("services_bo:bo_application", public_id=application.public_id)
    return _detail(request, application, note_form=form, status=400)


def _posted_version(request: HttpRequest, code: str) -> int | None:
    try:
        return int(request.POST.get(f"{code}-expected_version", ""))
    except ValueError:
        return None


def _conflict(request: HttpRequest, application: Application, message: str) -> HttpResponse:
    """Someone else moved the application first: say so, and draw the page again as it now is."""
    messages.error(request, message)
    return _detail(request, selectors.application_for_staff(request.user, application.public_id), status=409)


def _act(request: HttpRequest, application: Application) -> HttpResponse:
    code = request.POST.get("transition", "")
    spec = next((s for s in _staff_moves(application, request.user) if s["code"] == code), None)
    # A move that is not on offer now (a stale page, or one the officer may not make) still goes to the engine,
    # which answers why: changed meanwhile, not possible in this state, or not allowed.
    form = TransitionForm(request.POST, spec=spec) if spec is not None else None
    if form is not None and not form.is_valid():
        return _detail(request, application, bound=form, status=400)
    try:
        services.application_act(
            actor=request.user,
            application=application,
            transition=code,
            reason=form.cleaned_data["reason"] if form else request.POST.get(f"{code}-reason", ""),
            expected_version=form.cleaned_data["expected_version"] if form else _posted_version(request, code),
        )
    except PermissionDenied as exc:
        raise Http404 from exc
    except (ConcurrentUpdate, TransitionNotAllowed) as exc:
        return _conflict(request, application, exc.message)
    except ValidationError as exc:
        if form is None:
            return _conflict(request, application, " ".join(exc.messages))
        _add_errors(form, exc)
        return _detail(request, application, bound=form, status=400)
    messages.success(request, _("Done: %(action)s.") % {"action": form.name if form else code})
    return redirect("services_bo:bo_application", public_id=application.public_id)


@staff_required
@never_cache
@require_http_methods(["GET", "POST"])
def application_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    application = selectors.application_for_staff(request.user, public_id)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "claim":
            return _claim(request, application)
        if action == "assign":
            return _assign(request, application)
        if action == "note":
            return _note(request, application)
        if action == "transition":
            return _act(request, application)
        return _detail(request, application, status=400)
    # An officer reading an application is a read of the applicant's data: they see it in "who accessed my data".
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action="services.application.read",
            obj=application,
            subject=application.applicant,
            data={
                "office": application.office.code if application.office_id else "",
                "reference": application.reference,
                "purpose": "service_delivery",
            },
        )
    return _detail(request, application)


@staff_required
@never_cache
@require_GET
def application_file(request: HttpRequest, public_id: uuid.UUID, file_id: uuid.UUID) -> FileResponse:
    application = selectors.application_for_staff(request.user, public_id)
    stored = application.files.active().filter(public_id=file_id).first()
    if stored is None:
        raise Http404
    return FileResponse(
        stored.file.open("rb"), as_attachment=True, filename=stored.original_name, content_type=stored.content_type
    )
