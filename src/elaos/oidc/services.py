"""Writes of the OpenID Provider and federation. Each checks who acts, changes rows and appends an audit event in
the same transaction. Refusals are a PermissionDenied (the caller answers 404) or a ValidationError."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_access_token_model, get_application_model, get_refresh_token_model
from oauth2_provider.settings import oauth2_settings

from elaos.accounts.phone import normalize_lao_mobile
from elaos.agencies.models import Organisation
from elaos.core.audit import audit_record
from elaos.oidc.access import can_manage_clients_of
from elaos.oidc.models import AgencyClient, FederatedIdentity

Application = get_application_model()


def _require_admin(actor: Any, organisation_id: int) -> None:
    """Only an identity administrator of the client's organisation (or of one above it), or a superuser."""
    if not can_manage_clients_of(actor, organisation_id):
        raise PermissionDenied


def _check_scopes(scopes: list[str]) -> list[str]:
    unknown = sorted(set(scopes) - set(oauth2_settings.SCOPES))
    if unknown:
        raise ValidationError({"allowed_scopes": _("Unknown scope: %(scopes)s") % {"scopes": ", ".join(unknown)}})
    if "openid" not in scopes:
        raise ValidationError({"allowed_scopes": _("A sign-in client needs the openid scope.")})
    return [scope for scope in oauth2_settings.SCOPES if scope in scopes]


@transaction.atomic
def agency_client_register(
    *,
    actor: Any,
    organisation: Organisation,
    name_lo: str,
    name_en: str,
    redirect_uris: list[str],
    post_logout_redirect_uris: list[str],
    allowed_scopes: list[str],
    confidential: bool = True,
) -> tuple[AgencyClient, str]:
    """Register an agency's system for sign-in with e-Laos (authorization code + PKCE, RS256 ID tokens).
    Returns the client and its secret, which is stored hashed and shown only this once."""
    _require_admin(actor, organisation.pk)
    secret = generate_client_secret()
    application = Application(
        name=name_en[:255],
        client_type=Application.CLIENT_CONFIDENTIAL if confidential else Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(redirect_uris),
        post_logout_redirect_uris=" ".join(post_logout_redirect_uris),
        algorithm=Application.RS256_ALGORITHM,
        client_secret=secret,
        hash_client_secret=True,
        skip_authorization=False,
    )
    application.full_clean()
    application.save()
    client = AgencyClient(
        application=application,
        organisation=organisation,
        name_lo=name_lo,
        name_en=name_en,
        allowed_scopes=_check_scopes(allowed_scopes),
        created_by=actor,
        updated_by=actor,
    )
    client.full_clean()
    client.save()
    audit_record(
        actor=actor,
        action="oidc.client_register",
        obj=client,
        data={"client_id": application.client_id, "organisation": organisation.code, "scopes": client.allowed_scopes},
    )
    return client, secret


@transaction.atomic
def agency_client_update(
    *,
    actor: Any,
    client: AgencyClient,
    name_lo: str,
    name_en: str,
    redirect_uris: list[str],
    post_logout_redirect_uris: list[str],
    allowed_scopes: list[str],
) -> AgencyClient:
    _require_admin(actor, client.organisation_id)
    application = client.application
    application.name = name_en[:255]
    application.redirect_uris = " ".join(redirect_uris)
    application.post_logout_redirect_uris = " ".join(post_logout_redirect_uris)
    application.full_clean()
    application.save()
    client.name_lo, client.name_en = name_lo, name_en
    client.allowed_scopes = _check_scopes(allowed_scopes)
    client.updated_by = actor
    client.full_clean()
    client.save()
    audit_record(actor=actor, action="oidc.client_update", obj=client, data={"scopes": client.allowed_scopes})
    return client


@transaction.atomic
def agency_client_secret_reset(*, actor: Any, client: AgencyClient) -> str:
    _require_admin(actor, client.organisation_id)
    secret = generate_client_secret()
    client.application.client_secret = secret
    client.application.save(update_fields=["client_secret", "updated"])
    audit_record(actor=actor, action="oidc.client_secret_reset", obj=client)
    return secret


@transaction.atomic
def agency_client_archive(*, actor: Any, client: AgencyClient, reason: str) -> AgencyClient:
    """Switch a client off: it can no longer sign anyone in, and its tokens stop working at once."""
    _require_admin(actor, client.organisation_id)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why this client is switched off.")})
    client.archived_at, client.archived_by, client.archive_reason = timezone.now(), actor, reason.strip()
    client.save(update_fields=["archived_at", "archived_by", "archive_reason", "updated_at"])
    get_refresh_token_model().objects.filter(application=client.application).delete()
    get_access_token_model().objects.filter(application=client.application).delete()
    audit_record(actor=actor, action="oidc.client_archive", obj=client, data={"reason": client.archive_reason})
    return client


@transaction.atomic
def consent_record(*, user: Any, application: Any, scopes: list[str], allowed: bool) -> None:
    """A person released (or refused to release) named data to an agency's system."""
    audit_record(
        actor=user,
        action="oidc.consent_granted" if allowed else "oidc.consent_refused",
        obj=AgencyClient.objects.filter(application=application).first() or application,
        data={"client_id": application.client_id, "scopes": scopes},
    )


@transaction.atomic
def security_event_record(*, action: str, user: Any = None, data: dict[str, Any]) -> None:
    """A refused protocol request (bad PKCE verifier, replayed code, wrong redirect URI, bad token)."""
    audit_record(actor=user, action=action, data=data)


class FederationRefused(Exception):
    """The upstream account cannot be linked to an e-Laos account (no verified phone or e-mail, or a staff
    account)."""


def _verified_phone(claims: dict[str, Any]) -> str | None:
    if not claims.get("phone_number") or claims.get("phone_number_verified") is not True:
        return None
    try:
        return normalize_lao_mobile(str(claims["phone_number"]))
    except ValidationError:
        return None


def _verified_email(claims: dict[str, Any]) -> str | None:
    if not claims.get("email") or claims.get("email_verified") is not True:
        return None
    return str(claims["email"]).strip().lower()


@transaction.atomic
def federated_sign_in(*, issuer: str, claims: dict[str, Any]) -> Any:
    """The e-Laos account for an upstream identity: the one already linked, else the one with the same verified
    phone or e-mail, else a new citizen account. Staff accounts are never linked: they sign in with their own
    password and second factor."""
    user_model = get_user_model()
    subject = str(claims["sub"])
    link = FederatedIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    if link is not None:
        user = link.user
        how = "linked"
    else:
        phone, email = _verified_phone(claims), _verified_email(claims)
        user = (phone and user_model.objects.filter(phone=phone).first()) or (
            email and user_model.objects.filter(email=email).first()
        )
        how = "matched"
        if user is None:
            if not phone and not email:
                raise FederationRefused("no verified phone or e-mail")
            user = user_model(
                phone=phone,
                email=email,
                email_verified_at=timezone.now() if email else None,
                given_name_lo=str(claims.get("given_name", ""))[:100],
                family_name_lo=str(claims.get("family_name", ""))[:100],
                national_id=str(claims.get("national_id", ""))[:20],
                preferred_language=claims.get("locale") if claims.get("locale") in ("lo", "en") else "lo",
            )
            user.set_unusable_password()
            user.full_clean()
            user.save()
            audit_record(actor=user, action="user.signup", obj=user, data={"method": "federation", "issuer": issuer})
            how = "created"
        if user.is_staff:
            raise FederationRefused("staff account")
        link = FederatedIdentity(issuer=issuer, subject=subject, user=user, created_by=user)
        link.full_clean()
        link.save()
    if not user.is_active or user.is_staff:
        raise FederationRefused("inactive or staff account")
    link.last_sign_in_at = timezone.now()
    link.save(update_fields=["last_sign_in_at", "updated_at"])
    audit_record(actor=user, action="oidc.federated_sign_in", obj=link, data={"issuer": issuer, "how": how})
    return user
