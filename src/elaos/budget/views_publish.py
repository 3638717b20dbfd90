"""The publishing back office: staff of an agency download a template, upload a CSV or XLSX file, read the
validation report (each bad row and why), look at a preview and publish all or nothing, or the good rows only.
A large file is validated and published in the background; its page shows the progress and refreshes itself (an
HTTP Refresh header: no script needed). Deadlines and the agency's publication history are on the agency's page.

Only staff with a role in the agency's organisation tree (its own offices or the agency itself) may publish for it;
for anyone else the agency and its publications answer 404. The writes are the data services' (batch_create,
batch_publish); these views only parse and call them."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from elaos.budget import imports, selectors, services
from elaos.budget.forms import PublishModeForm, PublishStartForm
from elaos.budget.models import ImportBatch, InformationType
from elaos.core.decorators import staff_required

ERRORS_PAGE_SIZE = 50
REFRESH_SECONDS = 2
WORKING = {ImportBatch.Status.UPLOADED, ImportBatch.Status.VALIDATING, ImportBatch.Status.PUBLISHING}


def publishable_types() -> list[InformationType]:
    """The information types that have a table schema (a template and validation rules)."""
    known = set(imports.schema_codes())
    return [t for t in InformationType.objects.order_by("order", "code") if (t.schema or t.code) in known]


@staff_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    agencies = selectors.publishable_agencies(request.user)
    return render(request, "budget/publish/home.html", {"agencies": agencies})


@staff_required
@require_http_methods(["GET", "POST"])
def agency(request: HttpRequest, code: str) -> HttpResponse:
    organisation = selectors.publishable_agency(request.user, code)
    types = publishable_types()
    form = PublishStartForm(request.POST or None, request.FILES or None, information_types=types)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        batch = services.batch_create(
            actor=request.user,
            agency=organisation,
            information_type=next(t for t in types if t.code == data["information_type"]),
            uploaded_file=upload,
            filename=f"upload.{upload.elaos_format}",
            fiscal_year=data["fiscal_year"],
            period_start=data.get("period_start"),
            period_end=data.get("period_end"),
        )
        return redirect("budget:publish_batch", public_id=batch.public_id)
    history = Paginator(selectors.agency_publications(organisation), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "budget/publish/agency.html",
        {
            "agency": organisation,
            "form": form,
            "types": types,
            "history": history,
            "deadlines": selectors.agency_deadlines(organisation),
        },
    )


@staff_required
@require_GET
def template(request: HttpRequest, code: str, info_code: str, fmt: str) -> HttpResponse:
    selectors.publishable_agency(request.user, code)
    info = next((t for t in publishable_types() if t.code == info_code), None)
    if info is None or fmt not in {"csv", "xlsx"}:
        raise Http404
    if fmt == "csv":
        response = HttpResponse(imports.template_csv(info), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            imports.template_xlsx(info),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{info.code}-template.{fmt}"'
    return response


def error_reasons(batch: ImportBatch) -> list[dict[str, Any]]:
    from elaos.budget.models import ImportRowError

    labels = dict(ImportRowError.Code.choices)
    return [
        {"code": code, "label": labels.get(code, code), "count": count}
        for code, count in sorted((batch.errors_summary or {}).items(), key=lambda item: -item[1])
    ]


@staff_required
@require_GET
def batch(request: HttpRequest, public_id: Any) -> HttpResponse:
    found = selectors.publication_for(request.user, public_id)
    working = found.status in WORKING
    errors = Paginator(found.row_errors.order_by("row", "id"), ERRORS_PAGE_SIZE).get_page(request.GET.get("page"))
    preview = found.preview or []
    header = preview[0]["cells"] if preview and preview[0].get("row") == 0 else []
    publishable = found.status == ImportBatch.Status.VALIDATED or (
        found.status == ImportBatch.Status.INVALID and found.rows_valid > 0 and found.rows_total > 0
    )
    response = render(
        request,
        "budget/publish/batch.html",
        {
            "batch": found,
            "working": working,
            "refresh_seconds": REFRESH_SECONDS,
            "errors": errors,
            "reasons": error_reasons(found),
            "header": header,
            "preview": [row for row in preview if row.get("row")],
            "publishable": publishable,
            "mode_form": PublishModeForm(initial={"mode": found.mode}, only_keep_good=found.rows_invalid > 0),
        },
    )
    if working:
        # Without script, the browser reloads the page until the work is done (htmx is not needed for this).
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@staff_required
@require_POST
def batch_publish(request: HttpRequest, public_id: Any) -> HttpResponse:
    found = selectors.publication_for(request.user, public_id)
    form = PublishModeForm(request.POST, only_keep_good=found.rows_invalid > 0)
    if found.status == ImportBatch.Status.PUBLISHED:
        messages.info(request, _("This file is already published."))
        return redirect("budget:publish_batch", public_id=found.public_id)
    if found.status not in {ImportBatch.Status.VALIDATED, ImportBatch.Status.INVALID} or not form.is_valid():
        messages.error(request, _("This file cannot be published as it is. Read the report below."))
        return redirect("budget:publish_batch", public_id=found.public_id)
    done = services.batch_publish(actor=request.user, batch=found, mode=form.cleaned_data["mode"])
    if done.status == ImportBatch.Status.PUBLISHED:
        messages.success(
            request,
            _("Published: %(rows)s rows are now public.") % {"rows": done.rows_published},
        )
    elif done.status == ImportBatch.Status.INVALID:
        messages.error(request, _("Nothing was published: some rows have errors."))
    return redirect("budget:publish_batch", public_id=found.public_id)
