from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import check_for_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from elaos.core.cache import public_page


@public_page()
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Touches nothing else."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers and the task queue's table is reachable."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        from django_tasks_db.models import DBTaskResult

        queued = DBTaskResult.objects.ready().count()
        checks["task_queue"] = "ok"
    except Exception as exc:
        queued = None
        checks["task_queue"] = f"error: {exc.__class__.__name__}"
    ready = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks, "tasks_waiting": queued},
        status=200 if ready else 503,
    )


@csrf_exempt  # Switching the language changes nothing of value, and keeps public pages free of tokens.
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch (a cookie, works without JavaScript), also remembered on the account."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and check_for_language(language) and language in dict(settings.LANGUAGES):
        get_user_model().objects.filter(pk=request.user.pk).update(preferred_language=language)
    return response


# Error pages. Drawn without the request: the same bytes for every visitor of every address (only the language
# differs), so a page that is not yours and one that does not exist cannot be told apart, and no token leaks.


def _error_page(template: str, status: int) -> HttpResponse:
    return HttpResponse(loader.get_template(template).render(), status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page("400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page("403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page("404.html", 404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent without a valid token (an old page, cookies refused)."""
    return _error_page("403_csrf.html", 403)
