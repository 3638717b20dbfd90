from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

PROTECTED_PREFIXES = ("/backoffice/", "/admin/")


class StaffSecondFactorMiddleware:
    """The back office and the Django admin need a verified second factor, whatever the view says."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            request.path.startswith(PROTECTED_PREFIXES)
            and user.is_authenticated
            and user.is_staff
            and not user.is_verified()  # type: ignore[attr-defined]
            and not request.path.startswith("/admin/logout/")
        ):
            return redirect(f"{reverse('accounts:second_factor')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
