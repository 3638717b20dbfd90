"""Template context for every page."""

from typing import Any

from django.http import HttpRequest

from elaos.core.cache import CSRF_SLOT, drawing_shared_page


def shared_page(request: HttpRequest) -> dict[str, Any]:
    """While a copy of a public page that others will share is drawn (elaos.core.cache.public_page): forms get a
    slot for the CSRF token, filled in for each request, and no flash message goes in."""
    if not drawing_shared_page(request):
        return {}
    return {"csrf_token": CSRF_SLOT, "messages": ()}
