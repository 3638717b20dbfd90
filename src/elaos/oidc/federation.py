"""Sign-in through the national identity provider: e-Laos as an OpenID Connect relying party.

The authorization code flow with PKCE (S256), state and nonce. The provider's endpoints come from its discovery
document; the ID token is verified with jwcrypto against the provider's published JWKS (signature, `iss`, `aud`,
`exp`, `nonce`, RS256/ES256 only), then the userinfo claims are added when the provider has that endpoint.

All HTTP goes through `http_session()` (a requests Session), so tests can mount a transport adapter on it and
talk to a provider served by the test client.
"""

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse
from jwcrypto import jwk, jwt
from jwcrypto.common import JWException

SESSION_KEY = "elaos_oidc_upstream"
SIGNING_ALGORITHMS = ["RS256", "ES256"]
DISCOVERY_CACHE_SECONDS = 60 * 60


class FederationError(Exception):
    """The upstream provider's answer could not be trusted or used. `code` is stable and safe to log."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Upstream:
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    timeout: float


def upstream() -> Upstream | None:
    """The configured national identity provider, or None when federation is switched off."""
    issuer = settings.OIDC_UPSTREAM_ISSUER.rstrip("/")
    if not issuer or not settings.OIDC_UPSTREAM_CLIENT_ID:
        return None
    return Upstream(
        issuer=issuer,
        client_id=settings.OIDC_UPSTREAM_CLIENT_ID,
        client_secret=settings.OIDC_UPSTREAM_CLIENT_SECRET,
        scopes=settings.OIDC_UPSTREAM_SCOPES,
        timeout=settings.OIDC_UPSTREAM_TIMEOUT_SECONDS,
    )


def http_session() -> requests.Session:
    return requests.Session()


def _get_json(session: requests.Session, url: str, timeout: float, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    try:
        response = session.get(url, timeout=timeout, **kwargs)
        return response.status_code, response.json()
    except (requests.RequestException, ValueError) as exc:
        raise FederationError("upstream_unreachable", f"{url}: {exc.__class__.__name__}") from exc


def discovery(config: Upstream, session: requests.Session) -> dict[str, Any]:
    key = f"oidc-upstream-discovery:{config.issuer}"
    if (cached := cache.get(key)) is not None:
        return cached
    status, document = _get_json(session, f"{config.issuer}/.well-known/openid-configuration", config.timeout)
    if status != 200 or document.get("issuer", "").rstrip("/") != config.issuer:
        raise FederationError("bad_discovery", f"status {status}, issuer {document.get('issuer')!r}")
    for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not str(document.get(field, "")).startswith(("https://", "http://")):
            raise FederationError("bad_discovery", f"no {field}")
    if "S256" not in document.get("code_challenge_methods_supported", ["S256"]):
        raise FederationError("bad_discovery", "the provider does not support PKCE S256")
    cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def callback_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("oidc:federation_callback"))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def begin(request: HttpRequest, *, next_url: str) -> str:
    """Remember state, nonce and PKCE verifier in the session; return where to send the browser."""
    config = upstream()
    if config is None:
        raise FederationError("not_configured")
    document = discovery(config, http_session())
    state, nonce, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(64)
    request.session[SESSION_KEY] = {"state": state, "nonce": nonce, "verifier": verifier, "next": next_url}
    params = {
        "response_type": "code",
        "client_id": config.client_id,
        "redirect_uri": callback_url(request),
        "scope": config.scopes,
        "state": state,
        "nonce": nonce,
        "code_challenge": _b64url(hashlib.sha256(verifier.encode()).digest()),
        "code_challenge_method": "S256",
    }
    return f"{document['authorization_endpoint']}?{urlencode(params)}"


@dataclass(frozen=True)
class Completed:
    issuer: str
    claims: dict[str, Any]
    next_url: str


def complete(request: HttpRequest) -> Completed:
    """Check the browser's return, exchange the code, verify the ID token; the claims of a trusted identity."""
    config = upstream()
    if config is None:
        raise FederationError("not_configured")
    pending = request.session.pop(SESSION_KEY, None)
    if not pending:
        raise FederationError("no_pending_sign_in")
    if not hmac.compare_digest(request.GET.get("state", ""), pending["state"]):
        raise FederationError("state_mismatch")
    if error := request.GET.get("error"):
        raise FederationError("upstream_refused", error[:100])
    if "iss" in request.GET and request.GET["iss"].rstrip("/") != config.issuer:
        raise FederationError("issuer_mismatch", "authorization response iss")
    code = request.GET.get("code", "")
    if not code:
        raise FederationError("no_code")
    session = http_session()
    document = discovery(config, session)
    try:
        response = session.post(
            document["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": callback_url(request),
                "code_verifier": pending["verifier"],
            },
            auth=(config.client_id, config.client_secret),
            timeout=config.timeout,
        )
        tokens = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise FederationError("upstream_unreachable", exc.__class__.__name__) from exc
    if response.status_code != 200 or "id_token" not in tokens:
        raise FederationError("token_refused", str(tokens.get("error", response.status_code))[:100])
    claims = verify_id_token(config, document, session, tokens["id_token"], nonce=pending["nonce"])
    if tokens.get("access_token") and document.get("userinfo_endpoint"):
        claims = {**_userinfo(config, document, session, tokens["access_token"], claims["sub"]), **claims}
    return Completed(issuer=config.issuer, claims=claims, next_url=pending.get("next") or "")


def verify_id_token(
    config: Upstream, document: dict[str, Any], session: requests.Session, id_token: str, *, nonce: str
) -> dict[str, Any]:
    status, jwks = _get_json(session, document["jwks_uri"], config.timeout)
    if status != 200:
        raise FederationError("bad_jwks", f"status {status}")
    try:
        keyset = jwk.JWKSet.from_json(json.dumps(jwks))
        token = jwt.JWT(
            jwt=id_token,
            key=keyset,
            algs=SIGNING_ALGORITHMS,
            check_claims={"iss": config.issuer, "aud": config.client_id, "exp": None, "sub": None, "nonce": nonce},
        )
        claims = json.loads(token.claims)
    except (JWException, ValueError, KeyError) as exc:
        raise FederationError("bad_id_token", exc.__class__.__name__) from exc
    audience = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audience) > 1 and claims.get("azp") != config.client_id:
        raise FederationError("bad_id_token", "azp")
    return claims


def _userinfo(
    config: Upstream, document: dict[str, Any], session: requests.Session, access_token: str, subject: str
) -> dict[str, Any]:
    status, info = _get_json(
        session, document["userinfo_endpoint"], config.timeout, headers={"Authorization": f"Bearer {access_token}"}
    )
    if status != 200 or info.get("sub") != subject:
        raise FederationError("bad_userinfo", f"status {status}")
    return info
