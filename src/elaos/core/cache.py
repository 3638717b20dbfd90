"""A short cache for public pages seen by anonymous visitors: most of the country reads the same catalogue,
register and home page, and they change rarely. Signed-in people always get a fresh page."""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language


def _cacheable_request(request: HttpRequest) -> bool:
    # A session or a pending message may change the page (a flash message, a half-finished sign-in).
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def public_page(seconds: int | None = None) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Serve an anonymous GET from the cache for `seconds` (PUBLIC_PAGE_CACHE_SECONDS by default), per language
    and full URL. A response that sets cookies (a CSRF token for a form) is never stored."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            ttl = settings.PUBLIC_PAGE_CACHE_SECONDS if seconds is None else seconds
            if not ttl or not _cacheable_request(request):
                return view(request, *args, **kwargs)
            digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
            key = f"public-page:{get_language()}:{digest}"
            stored = cache.get(key)
            if stored is not None:
                content, content_type = stored
                return HttpResponse(content, content_type=content_type)
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.cookies and not getattr(response, "streaming", False):
                cache.set(key, (response.content, response["Content-Type"]), ttl)
            return response

        return wrapper

    return decorator
