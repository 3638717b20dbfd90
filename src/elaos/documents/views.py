"""Public verification, the published keys, and the holder's own documents. Views parse and call."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from elaos.core.cache import versioned_page
from elaos.documents import access, keys, selectors, services
from elaos.documents.forms import VerifyForm


def _verify_page_version(request: HttpRequest) -> str | None:
    # Only the answer to a scanned QR (GET ?c=) is kept, one copy for everyone who scans the same code: it names
    # what the code itself carries, and its only form (signing out) gets each visitor's own token.
    return selectors.verification_version(request.GET["c"]) if "c" in request.GET else None


@never_cache
@require_http_methods(["GET", "POST"])
@versioned_page(_verify_page_version, shared=True)
def verify(request: HttpRequest) -> HttpResponse:
    scanned = request.method == "GET" and "c" in request.GET
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
    elif scanned:
        form = VerifyForm({"code": request.GET["c"]})
    else:
        form = VerifyForm()
    verification = None
    if form.is_bound and form.is_valid():
        pdf = form.cleaned_data.get("pdf")
        verification = selectors.document_verification(
            code=form.cleaned_data["code"], pdf_chunks=pdf.chunks() if pdf else None
        )
        form = VerifyForm()
    response = render(
        request,
        "documents/verify.html",
        # The answer to a scanned QR links to the form instead of holding it: the page is then the same for
        # every visitor and can be served from the cache (see versioned_page).
        {"form": None if scanned and verification else form, "verification": verification},
        status=400 if form.errors else 200,
    )
    # Results name a person; they are for whoever holds the code, not for search engines.
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def published_keys(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(keys.published_keys(), json_dumps_params={"indent": 2})
    # Verifiers on other sites and apps fetch this; it holds public keys only.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    return render(request, "documents/document_list.html", {"documents": selectors.documents_for_holder(request.user)})


@never_cache
@require_GET
def download(request: HttpRequest, public_id: str) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if user.is_staff and not user.is_verified():  # type: ignore[attr-defined]
        return redirect(f"{reverse('accounts:second_factor')}?{urlencode({'next': request.get_full_path()})}")
    document = selectors.document_by_public_id(public_id)
    if document is None or not access.can_download(user, document):
        raise Http404
    response = FileResponse(
        services.document_open(actor=user, document=document),
        as_attachment=True,
        filename=f"{document.type_code}-{str(document.public_id)[:8]}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
