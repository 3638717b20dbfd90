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
from django.middleware.csrf import get_token
from django.utils.translation import get_language

# While a shared copy of a page is drawn, the CSRF token of its forms is left as this slot; each request fills in
# its own (see public_page).
CSRF_SLOT = "elaos-csrf-slot"
SHARED_DRAWING = "_elaos_drawing_shared_page"


def drawing_shared_page(request: HttpRequest) -> bool:
    return bool(getattr(request, SHARED_DRAWING, False))


def _pending_message(request: HttpRequest) -> bool:
    # An emptied message cookie is expired, not sent again, by browsers; some clients keep sending it empty.
    return bool(request.COOKIES.get("messages"))


def _audience(request: HttpRequest, signed_in: bool) -> str | None:
    """Who may share a copy of the page with this visitor: "anonymous" visitors, "citizen"s signed in (only for
    views that allow it), or nobody (None: staff, a POST, a pending flash message, a half-finished sign-in)."""
    if request.method != "GET" or _pending_message(request):
        return None
    user = request.user
    if user.is_authenticated:
        return "citizen" if signed_in and not user.is_staff else None
    return None if settings.SESSION_COOKIE_NAME in request.COOKIES else "anonymous"


def public_page(
    seconds: int | None = None, *, signed_in: bool = False
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Serve a public GET page from a copy kept `seconds` (PUBLIC_PAGE_CACHE_SECONDS by default), per language,
    full URL and audience (anonymous visitors; with `signed_in`, also citizens signed in, for pages whose content
    depends on the visitor only through being signed in or not; never staff).

    The copy is drawn with a slot for the CSRF token of its forms (the sign-out button, an Apply button), filled in
    for each request, so pages with forms are shared too. A response that sets cookies or is not a plain 200 is
    never stored."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            ttl = settings.PUBLIC_PAGE_CACHE_SECONDS if seconds is None else seconds
            audience = _audience(request, signed_in) if ttl else None
            if audience is None:
                return view(request, *args, **kwargs)
            digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
            key = f"public-page:{audience}:{get_language()}:{digest}"
            return _shared(request, key, ttl, view, args, kwargs)

        return wrapper

    return decorator


def _shared(
    request: HttpRequest, key: str, ttl: int, view: Callable[..., HttpResponse], args: Any, kwargs: Any
) -> HttpResponse:
    """The copy under `key` that visitors of one audience share, drawn by `view` if there is none (with the CSRF
    slot in its forms), filled in for this request."""
    stored = cache.get(key)
    if stored is None:
        # A view that asks for the visitor's real CSRF token (get_token) draws a page nobody may share.
        token_wanted = request.META.pop("CSRF_COOKIE_NEEDS_UPDATE", False)
        setattr(request, SHARED_DRAWING, True)
        try:
            response = view(request, *args, **kwargs)
        finally:
            setattr(request, SHARED_DRAWING, False)
            own_token = request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False)
            request.META["CSRF_COOKIE_NEEDS_UPDATE"] = token_wanted or own_token
        if own_token or not _storable(response):
            return _filled(request, response)
        stored = (response.content, dict(response.headers))
        cache.set(key, stored, ttl)
    content, headers = stored
    return _filled(request, HttpResponse(content, headers=headers))


def _storable(response: HttpResponse) -> bool:
    return response.status_code == 200 and not response.cookies and not getattr(response, "streaming", False)


def _filled(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """The response with its CSRF slot filled for this request (the CSRF middleware then sets the token's
    cookie when the visitor has none)."""
    if not getattr(response, "streaming", False) and CSRF_SLOT.encode() in response.content:
        response.content = response.content.replace(CSRF_SLOT.encode(), get_token(request).encode())
    return response


def _store(key: str, response: HttpResponse, ttl: int) -> None:
    # Only the view's own headers are kept; the middleware adds its own (security headers, CSP) to every answer.
    if _storable(response):
        cache.set(key, (response.content, dict(response.headers)), ttl)


def _cached(key: str) -> HttpResponse | None:
    stored = cache.get(key)
    if stored is None:
        return None
    content, headers = stored
    return HttpResponse(content, headers=headers)


def versioned_page(
    version: Callable[..., str | None], seconds: int = 600, *, shared: bool = False
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Serve a GET from the cache while `version(request, *args, **kwargs)` returns the same string: it must
    change whenever anything on the page changes, and cost one small query at most. It returns None when the
    page must not be cached (not the person's object: the view then answers its 404).

    The key holds the session if there is one (a signed-in page embeds the person's name and CSRF token), the
    language and the full path; a pending flash message or a response that sets cookies bypasses the cache.

    With `shared`, for a page that is the same for everyone who asks for the same address (a verification
    result), the copy is kept per audience instead of per session, as public_page keeps it: anonymous visitors
    share one, signed-in citizens another (drawn with the CSRF slot); staff get none."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method != "GET" or _pending_message(request) or not seconds:
                return view(request, *args, **kwargs)
            if shared:
                audience = _audience(request, signed_in=True)
                current = version(request, *args, **kwargs) if audience else None
                if current is None:
                    return view(request, *args, **kwargs)
                material = "\x1f".join((audience, get_language() or "", request.get_full_path(), current))
                key = "versioned-page:shared:" + hashlib.sha256(material.encode()).hexdigest()
                return _shared(request, key, seconds, view, args, kwargs)
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
