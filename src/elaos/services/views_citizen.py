"""Citizen pages of the public services: the catalogue, a service, an application from draft to decision, and the
applicant's own dashboard. Views parse input and call services; every application is looked up through
selectors.application_for_applicant, so another person's application is a 404."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from elaos.core.cache import public_page, versioned_page
from elaos.core.lao import localized
from elaos.services import selectors, services
from elaos.services.definition import workflow_stages
from elaos.services.forms import (
    AnswerForm,
    ApplicationForm,
    CatalogueForm,
    DocumentsForm,
    draft_as_form_data,
    localized_from,
)
from elaos.services.models import Application
from elaos.workflows import selectors as workflow_selectors
from elaos.workflows.services import TransitionNotAllowed

# Officers' reasons the applicant reads on the status page; other reasons stay in the back office.
REASONS_FOR_APPLICANT = {"request_info", "reject"}


def _channel_names() -> dict[str, str]:
    return {"online": _("Online"), "office": _("At the office"), "post": _("By post")}


@public_page(signed_in=True)
def catalogue(request: HttpRequest) -> HttpResponse:
    agencies = sorted({service.agency for service in selectors.catalogue()}, key=lambda a: localized(a, "name"))
    form = CatalogueForm(
        request.GET,
        agencies=agencies,
        life_events=selectors.life_events(),
        categories=selectors.categories(),
    )
    filters = form.filters()
    results = selectors.catalogue(
        query=filters["q"], agency=filters["agency"], life_event=filters["life_event"], category=filters["category"]
    )
    return render(
        request,
        "services/catalogue.html",
        {"form": form, "services": list(results), "filtered": any(filters.values())},
    )


@public_page(signed_in=True)
def service_detail(request: HttpRequest, code: str) -> HttpResponse:
    service = selectors.service_detail(code)
    definition = service.current_version.definition
    text = {
        field: localized_from(definition, field)
        for field in ("name", "summary", "description", "eligibility", "legal_basis")
    }
    fees = [(localized_from(fee, "name"), fee["amount_kip"]) for fee in definition.get("fees", [])]
    documents = [
        {
            "name": localized_from(spec, "name"),
            "required": bool(spec.get("required")),
            "types": ", ".join(t.upper() for t in spec.get("types", ["pdf", "jpeg", "png"])),
        }
        for spec in definition.get("documents", [])
    ]
    channel_names = _channel_names()
    channels = [channel_names[code] for code in definition.get("channels", []) if code in channel_names]
    stages = [
        (localized_from(state, "name"), state["sla_days"])
        for state in workflow_stages(service.current_version.workflow.definition)
    ]
    return render(
        request,
        "services/service_detail.html",
        {
            "service": service,
            "text": text,
            "fees": fees,
            "documents": documents,
            "channels": channels,
            "stages": stages,
            "online": "online" in definition.get("channels", ["online"]),
        },
    )


@require_POST
def application_start(request: HttpRequest, code: str) -> HttpResponse:
    service = selectors.service_detail(code)
    if not request.user.is_authenticated:
        # After signing in the applicant comes back to the service page and presses Apply again: a POST
        # cannot be replayed through the sign-in redirect.
        return redirect_to_login(reverse("services:service_detail", args=[service.code]))
    try:
        application = services.application_create(applicant=request.user, service=service)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("services:service_detail", code=service.code)
    return redirect("services:application_edit", public_id=application.public_id)


def _documents_form(application: Application, *args: Any) -> DocumentsForm:
    return DocumentsForm(
        *args,
        documents=application.service_version.definition.get("documents", []),
        max_bytes=settings.SERVICES_UPLOAD_MAX_BYTES,
    )


def _error_summary(*forms: Any) -> list[dict[str, str]]:
    """Every error of the page, in page order, each linking to its field."""
    summary = []
    for form in forms:
        for message in form.non_field_errors():
            summary.append({"href": "", "label": "", "message": message})
        for field in form:
            for message in field.errors:
                summary.append({"href": f"#{field.auto_id}", "label": str(field.label), "message": message})
    return summary


def _edit_page(
    request: HttpRequest, application: Application, form: ApplicationForm, documents: DocumentsForm, status: int
) -> HttpResponse:
    uploaded: dict[str, list[Any]] = {}
    for stored in application.files.active():
        uploaded.setdefault(stored.requirement, []).append(stored)
    rows = [
        {"field": documents[code], "required": bool(spec.get("required")), "files": uploaded.get(code, [])}
        for code, spec in documents.specs.items()
    ]
    return render(
        request,
        "services/application_edit.html",
        {
            "application": application,
            "service": application.service,
            "state_name": workflow_selectors.state_name(application.workflow),
            "form": form,
            "document_rows": rows,
            "error_summary": _error_summary(form, documents),
            "can_submit": application.state == "draft",
        },
        status=status,
    )


def _show_submission_errors(errors: dict[str, list[str]], form: ApplicationForm, documents: DocumentsForm) -> None:
    for name, messages_ in errors.items():
        if name in form.fields:
            if name not in form.errors:  # the form's own message says more than "not valid"
                form.add_error(name, messages_)
        elif name in documents.fields:
            documents.add_error(name, messages_)
        else:
            form.add_error(None, messages_)


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    if request.method == "GET":
        application = selectors.application_for_applicant(request.user, public_id)
    else:
        application = selectors.application_to_change(request.user, public_id)
    if application.state not in services.EDITABLE_STATES:
        return redirect("services:application_status", public_id=application.public_id)
    definition = application.service_version.definition
    if request.method == "GET":
        form = ApplicationForm(draft_as_form_data(application.data), definition=definition)
        return _edit_page(request, application, form, _documents_form(application), 200)

    form = ApplicationForm(request.POST, definition=definition)
    documents = _documents_form(application, request.POST, request.FILES)
    form.is_valid()
    documents.is_valid()
    submit = request.POST.get("action") == "submit"
    try:
        # The answers, the files and the submission in one short transaction.
        update = services.application_update(
            actor=request.user,
            application=application,
            data=form.draft_data(),
            uploads={code: upload for code, upload in documents.cleaned_data.items() if upload is not None},
            submit=submit,
        )
    except ValidationError:
        # Sent or decided in the meantime (a double click on Submit): the status page says where it stands.
        return redirect("services:application_status", public_id=application.public_id)
    application = update.application
    for code, errors in update.file_errors.items():
        documents.add_error(code, errors)
    if documents.errors:
        messages.warning(request, _("Your draft is saved, but a file was not accepted."))
        return _edit_page(request, application, form, documents, 400)
    if update.submission_errors:
        _show_submission_errors(update.submission_errors, form, documents)
        return _edit_page(request, application, form, documents, 400)
    if not update.sent:
        messages.success(request, _("Your draft is saved."))
        return redirect("services:application_edit", public_id=application.public_id)
    messages.success(request, _("Your application is sent. Its reference is %(ref)s.") % {"ref": application.reference})
    return redirect("services:application_status", public_id=application.public_id)


@never_cache
@login_required
def application_file(request: HttpRequest, public_id: Any, file_id: Any) -> FileResponse:
    application = selectors.application_for_applicant(request.user, public_id)
    stored = application.files.active().filter(public_id=file_id).first()
    if stored is None:
        raise Http404
    response = FileResponse(
        stored.file.open("rb"), as_attachment=True, filename=stored.original_name, content_type=stored.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _timeline(application: Application) -> list[dict[str, Any]]:
    """The application's moves, oldest first, named in the reader's language; started as a draft."""
    workflow = application.workflow.definition.definition
    states = workflow["states"]
    steps: list[dict[str, Any]] = [
        {"transition": "", "name": localized_from(states[workflow["initial"]], "name"), "at": application.created_at}
    ]
    for move in workflow_selectors.history(application.workflow):
        steps.append(
            {
                "transition": move.transition,
                "name": localized_from(states[move.to_state], "name"),
                "at": move.at,
                "reason": move.reason if move.transition in REASONS_FOR_APPLICANT else "",
                "answer": move.data.get("answer", "") if move.transition == "respond" else "",
            }
        )
    return steps


def _status_page_version(request: HttpRequest, public_id: Any) -> str | None:
    return selectors.application_page_version(request.user, public_id)


@login_required
@require_http_methods(["GET", "POST"])
@versioned_page(_status_page_version)
def application_status(request: HttpRequest, public_id: Any) -> HttpResponse:
    application = selectors.application_for_applicant(request.user, public_id)
    instance = application.workflow
    moves = {
        spec["code"]
        for spec in workflow_selectors.available_transitions(instance=instance, actor=request.user, by="applicant")
    }
    action = request.POST.get("action")
    answer_form = AnswerForm(request.POST if action == "respond" else None)
    if request.method == "POST":
        if action == "respond" and "respond" not in moves:
            # A page drawn before the answer was sent (or the application decided): nothing to answer any more.
            messages.error(request, _("This action is not possible in the current status."))
            return redirect("services:application_status", public_id=application.public_id)
        try:
            if action == "respond":
                if answer_form.is_valid():
                    services.application_respond(
                        actor=request.user, application=application, answer=answer_form.cleaned_data["answer"]
                    )
                    messages.success(request, _("Your answer is sent to the office."))
                    return redirect("services:application_status", public_id=application.public_id)
            elif action == "withdraw":
                services.application_withdraw(actor=request.user, application=application)
                messages.success(request, _("Your application is withdrawn."))
                return redirect("services:application_status", public_id=application.public_id)
            else:
                return redirect("services:application_status", public_id=application.public_id)
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "answer" in exc.error_dict:
                answer_form.add_error("answer", exc.error_dict["answer"])
            else:
                messages.error(request, " ".join(exc.messages))
                return redirect("services:application_status", public_id=application.public_id)
        except TransitionNotAllowed as exc:
            messages.error(request, exc.message)
            return redirect("services:application_status", public_id=application.public_id)
    timeline = _timeline(application)
    return render(
        request,
        "services/application_status.html",
        {
            "application": application,
            "service": application.service,
            "state_name": workflow_selectors.state_name(instance),
            "due_at": None if instance.is_terminal else instance.due_at,
            "fee_kip": sum(fee["amount_kip"] for fee in application.service_version.definition.get("fees", [])),
            "timeline": timeline,
            "question": next((s["reason"] for s in reversed(timeline) if s["transition"] == "request_info"), ""),
            "answer_form": answer_form if "respond" in moves else None,
            "can_withdraw": "withdraw" in moves,
        },
        status=400 if answer_form.errors else 200,
    )


def _dashboard_version(request: HttpRequest) -> str:
    return selectors.applications_page_version(request.user)


@login_required
@versioned_page(_dashboard_version)
def dashboard(request: HttpRequest) -> HttpResponse:
    rows = [
        {
            "application": application,
            "state_name": workflow_selectors.state_name(application.workflow),
            "editable": application.state in services.EDITABLE_STATES,
        }
        for application in selectors.applications_of(request.user)
    ]
    return render(
        request,
        "services/dashboard.html",
        {
            "rows": rows,
            "documents": [row["application"] for row in rows if row["application"].document_id],
            "payments": [row["application"] for row in rows if row["application"].payment_id],
        },
    )
