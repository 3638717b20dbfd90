"""Page caches. Public pages seen by anonymous visitors are kept a short while: most of the country reads the
same catalogue, register and home page, and they change rarely. A signed-in person's own page (an application's
status) is kept only while a cheap version check says nothing on it changed, so it is never stale."""

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

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
        and not _pending_message(request)
    )


def _pending_message(request: HttpRequest) -> bool:
    # An emptied message cookie is expired, not sent again, by browsers; some clients keep sending it empty.
    return bool(request.COOKIES.get("messages"))


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
            if (cached := _cached(key)) is not None:
                return cached
            response = view(request, *args, **kwargs)
            _store(key, response, ttl)
            return response

        return wrapper

    return decorator


def _store(key: str, response: HttpResponse, ttl: int) -> None:
    # Only the view's own headers are kept; the middleware adds its own (security headers, CSP) to every answer.
    if response.status_code == 200 and not response.cookies and not getattr(response, "streaming", False):
        cache.set(key, (response.content, dict(response.headers)), ttl)


def _cached(key: str) -> HttpResponse | None:
    stored = cache.get(key)
    if stored is None:
        return None
    content, headers = stored
    return HttpResponse(content, headers=headers)


def versioned_page(
    version: Callable[..., str | None], seconds: int = 600
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Serve a GET from the cache while `version(request, *args, **kwargs)` returns the same string: it must
    change whenever anything on the page changes, and cost one small query at most. It returns None when the
    page must not be cached (not the person's object: the view then answers its 404).

    The key holds the session if there is one (a signed-in page embeds the person's name and CSRF token), the
    language and the full path; a pending flash message or a response that sets cookies bypasses the cache."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method != "GET" or _pending_message(request) or not seconds:
                return view(request, *args, **kwargs)
            has_session = settings.SESSION_COOKIE_NAME in request.COOKIES
            session_key = request.session.session_key if has_session else ""
            if has_session and not session_key:
                return view(request, *args, **kwargs)
            current = version(request, *args, **kwargs)
            if current is None:
                return view(request, *args, **kwargs)
            material = "\x1f".join((session_key or "", get_language() or "", request.get_full_path(), current))
            key = "versioned-page:" + hashlib.sha256(material.encode()).hexdigest()
            if (cached := _cached(key)) is not None:
                return cached
            response = view(request, *args, **kwargs)
            _store(key, response, seconds)
            return response

        return wrapper

    return decorator
