"""e-Laos's OAuth2 / OpenID Connect validator: claims by scope, a subject that leaks nothing, and every key that
ever signed a token still able to verify it."""

import json
from typing import Any

from jwcrypto import jws
from jwcrypto.common import JWException
from oauth2_provider.oauth2_validators import OAuth2Validator

from elaos.oidc import keys


def user_claims(user: Any) -> dict[str, Any]:
    """Every claim e-Laos can release about a user; the validator keeps those the granted scopes allow.
    Empty values are left out rather than sent as empty strings."""
    given = user.given_name_lo or user.given_name_latin
    family = user.family_name_lo or user.family_name_latin
    claims: dict[str, Any] = {
        "name": user.get_full_name(),
        "given_name": given,
        "family_name": family,
        "birthdate": user.date_of_birth.isoformat() if user.date_of_birth else "",
        "locale": user.preferred_language,
        "phone_number": user.phone or "",
        "email": user.email or "",
        "national_id": user.national_id,
    }
    if user.phone:
        # Phone accounts exist only after the owner typed the code sent to that number.
        claims["phone_number_verified"] = True
    if user.email:
        claims["email_verified"] = user.email_verified_at is not None
    if user.given_name_latin or user.family_name_latin:
        claims["name#lo-Latn"] = " ".join(p for p in (user.given_name_latin, user.family_name_latin) if p)
    if address := _address(user):
        claims["address"] = address
    return {k: v for k, v in claims.items() if v not in ("", None)}


def _address(user: Any) -> dict[str, str]:
    parts = {
        "street_address": user.address_line,
        "locality": ", ".join(p.name_lo for p in (user.village, user.district) if p is not None),
        "region": user.province.name_lo if user.province_id else "",
    }
    parts = {k: v for k, v in parts.items() if v}
    if not parts:
        return {}
    return {**parts, "country": "LA", "formatted": ", ".join([*parts.values(), "ສປປ ລາວ"])}


class ElaosOAuth2Validator(OAuth2Validator):
    oidc_claim_scope = {
        "sub": "openid",
        "name": "profile",
        "name#lo-Latn": "profile",
        "given_name": "profile",
        "family_name": "profile",
        "birthdate": "profile",
        "locale": "profile",
        "phone_number": "phone",
        "phone_number_verified": "phone",
        "email": "email",
        "email_verified": "email",
        "address": "address",
        "national_id": "national_id",
    }

    def _load_application(self, client_id: str, request: Any) -> Any:
        """A switched-off agency client is unknown to the protocol from then on."""
        application = super()._load_application(client_id, request)
        agency_client = getattr(application, "agency_client", None) if application is not None else None
        if agency_client is not None and agency_client.is_archived:
            request.client = None
            return None
        return application

    def get_claim_dict(self, request: Any) -> dict[str, Any]:
        # The public UUID, not the database row number: a sequential `sub` would tell every client how many
        # accounts exist and let them guess each other's users.
        return {**user_claims(request.user), "sub": str(request.user.public_id)}

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        return {}

    def get_discovery_claims(self, request: Any) -> list[str]:
        return list(self.oidc_claim_scope)

    def _get_key_for_token(self, token: str) -> Any:
        """The key named by the token's kid, active or retired, so that RP-initiated logout and ID-token bearer
        checks keep working after a rotation. Tokens without a kid (HS256 clients) go the toolkit's way."""
        unverified = jws.JWS()
        unverified.deserialize(token)
        try:
            kid = json.loads(unverified.objects["protected"]).get("kid")
        except (KeyError, ValueError, JWException):
            kid = None
        if kid:
            return keys.public_key(kid)
        return super()._get_key_for_token(token)
