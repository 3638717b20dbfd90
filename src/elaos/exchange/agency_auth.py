"""How an agency system's request is let in: a Bearer access token that django-oauth-toolkit validates, issued by
the client-credentials grant to a registered agency client; then, per request, the rate limit, the scope and the
declared purpose."""

import json
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.security import HttpBearer
from oauth2_provider.oauth2_backends import OAuthLibCore

from elaos.exchange import selectors
from elaos.exchange.datasets import Purpose
from elaos.exchange.models import AgencyClient

PURPOSE_HEADER = "X-Purpose"


class AgencyToken(HttpBearer):
    """Bearer token of an agency client (client credentials: the token has no user)."""

    openapi_description = "An access token from POST /o/token/ with grant_type=client_credentials."

    def authenticate(self, request: HttpRequest, token: str) -> AgencyClient | None:
        valid, oauth_request = OAuthLibCore().verify_request(request, scopes=[])
        if not valid or oauth_request is None:
            return None
        access_token = oauth_request.access_token
        if access_token.user_id is not None:
            return None
        client = selectors.client_by_application(access_token.application_id)
        if client is None:
            return None
        request.agency_client = client  # type: ignore[attr-defined]
        request.token_scopes = set(access_token.scope.split())  # type: ignore[attr-defined]
        return client


agency_token = AgencyToken()


def error_response(status: int, code: str, message: str, **headers: str) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if code in ("insufficient_scope", "invalid_request"):
        # RFC 6750 names these errors; OAuth clients read "error".
        body["error"] = code
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type="application/json; charset=utf-8"
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


@dataclass(frozen=True)
class AgencyCall:
    client: AgencyClient
    purpose: str


def _rate_limited(client: AgencyClient) -> int:
    """Seconds until the client may ask again, or 0. A fixed one-minute window counted in the cache."""
    window = int(time.time() // 60)
    key = f"exchange:rate:{client.pk}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=120)
        count = 1
    if count > client.rate_limit_per_minute:
        return 60 - int(time.time()) % 60
    return 0


def agency_call(request: HttpRequest, dataset: str, *, purpose_required: bool = True) -> AgencyCall | HttpResponse:
    """The checks every exchange request passes, in order: rate limit, scope, purpose. Returns the call or the
    error response to send."""
    client: AgencyClient = request.auth  # type: ignore[attr-defined]
    retry_after = _rate_limited(client)
    if retry_after:
        return error_response(
            429, "rate_limited", _("Too many requests. Try again later."), Retry_After=str(max(retry_after, 1))
        )
    if dataset not in request.token_scopes or dataset not in client.scopes:  # type: ignore[attr-defined]
        return error_response(
            403,
            "insufficient_scope",
            _("This token does not allow reading these data."),
            WWW_Authenticate=f'Bearer error="insufficient_scope", scope="{dataset}"',
        )
    purpose = request.headers.get(PURPOSE_HEADER) or request.GET.get("purpose", "")
    if purpose_required and purpose not in Purpose.values:
        return error_response(
            400,
            "invalid_request",
            _("Say why you ask: the X-Purpose header must be one of: %(purposes)s.")
            % {"purposes": ", ".join(Purpose.values)},
        )
    return AgencyCall(client=client, purpose=purpose)
