"""The OpenID Provider's pages and endpoints, the staff pages for agency clients, and federation sign-in.

The protocol itself is django-oauth-toolkit's; these subclasses add what e-Laos needs around it: the staff second
factor before authorizing, the consent screen's context, an audit row for every refused request, and a JWKS that
keeps retired keys."""

import base64
import binascii
import json
from typing import Any
from urllib.parse import unquote_plus, urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from oauth2_provider import views as dot
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.models import get_application_model
from oauth2_provider.views.mixins import OIDCOnlyMixin
from oauthlib.oauth2.rfc6749 import errors as oauth_errors

from elaos.core.decorators import staff_required
from elaos.oidc import federation, keys, selectors, services
from elaos.oidc.access import can_manage_clients
from elaos.oidc.forms import AgencyClientForm, ArchiveForm
from elaos.oidc.scopes import scope_label
from elaos.oidc.validators import ElaosOAuth2Validator, user_claims

SESSION_NEW_SECRET = "elaos_oidc_new_secret"


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _refused(action: str, request: HttpRequest, user: Any = None, **data: Any) -> None:
    services.security_event_record(
        action=action, user=user, data={"ip": _client_ip(request), **{k: v for k, v in data.items() if v}}
    )


# The provider's endpoints


def _allow_form_redirect(response: HttpResponse, uri: str | None) -> None:
    """The consent and sign-out forms post to e-Laos, which redirects to the client: browsers apply the page's
    CSP form-action to that redirect, so the client's (already validated) origin is added for this page only."""
    if not uri:
        return
    parts = urlsplit(uri)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else f"{parts.scheme}:"
    response._csp_update = {"form-action": [origin]}  # type: ignore[attr-defined]


class AuthorizationView(dot.AuthorizationView):
    """The authorization endpoint and the consent screen. Staff must have passed their second factor: a session
    that could approve access for an agency system must be as strong as one that opens the back office."""

    template_name = "oauth2_provider/authorize.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.is_staff and not user.is_verified():  # type: ignore[attr-defined]
            return redirect(f"{reverse('accounts:second_factor')}?{urlencode({'next': request.get_full_path()})}")
        return super().dispatch(request, *args, **kwargs)

    def validate_authorization_request(self, request: HttpRequest) -> tuple[list[str], dict[str, Any]]:
        """The toolkit refuses "plain" only once the person has agreed; refuse it before they are asked."""
        scopes, credentials = super().validate_authorization_request(request)
        if credentials.get("code_challenge_method") != "S256":
            error = oauth_errors.InvalidRequestError(
                description='PKCE with code_challenge_method "S256" is required.', state=credentials.get("state")
            )
            raise OAuthToolkitError(error=error, redirect_uri=credentials.get("redirect_uri"))
        return scopes, credentials

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        application = context.get("application")
        if application is not None:
            context["agency_client"] = selectors.agency_client_of(application)
            context["scope_labels"] = [scope_label(scope) for scope in context.get("scopes", [])]
            context["released"] = self._released(context.get("scopes", []))
        return context

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **kwargs)
        if not context.get("error"):
            _allow_form_redirect(response, context.get("redirect_uri"))
        return response

    def _released(self, scopes: list[str]) -> list[tuple[str, str]]:
        """What the client will actually receive, shown to the person before they agree."""
        labels = {
            "name": _("Name"),
            "birthdate": _("Date of birth"),
            "phone_number": _("Mobile number"),
            "email": _("E-mail"),
            "address": _("Address"),
            "national_id": _("National ID number"),
        }
        claims = user_claims(self.request.user)
        granted = ElaosOAuth2Validator.oidc_claim_scope
        shown = []
        for claim, label in labels.items():
            if granted.get(claim) in scopes and claim in claims:
                value = claims[claim]
                shown.append((str(label), value["formatted"] if isinstance(value, dict) else str(value)))
        return shown

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        app = get_application_model().objects.filter(client_id=form.cleaned_data.get("client_id")).first()
        if app is not None and response.status_code in (301, 302):
            services.consent_record(
                user=self.request.user,
                application=app,
                scopes=(form.cleaned_data.get("scope") or "").split(),
                allowed=bool(form.cleaned_data.get("allow")),
            )
        return response

    def error_response(self, error: Any, application: Any, **kwargs: Any) -> HttpResponse:
        oauth_error = getattr(error, "oauthlib_error", error)
        _refused(
            "oidc.authorize_refused",
            self.request,
            user=self.request.user,
            error=getattr(oauth_error, "error", "invalid_request"),
            description=getattr(oauth_error, "description", "")[:200],
            client_id=self.request.GET.get("client_id") or self.request.POST.get("client_id"),
        )
        return super().error_response(error, application, **kwargs)


class TokenView(dot.TokenView):
    """The token endpoint; a refused request (bad PKCE verifier, replayed or expired code, wrong redirect URI,
    bad client secret) is answered with the standard OAuth error and written to the audit chain."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        if response.status_code >= 400:
            try:
                body = json.loads(response.content)
            except ValueError:
                body = {}
            _refused(
                "oidc.token_refused",
                request,
                error=body.get("error", str(response.status_code)),
                description=str(body.get("error_description", ""))[:200],
                grant_type=request.POST.get("grant_type", "")[:60],
                client_id=self._client_id(request),
            )
        return response

    @staticmethod
    def _client_id(request: HttpRequest) -> str:
        if request.POST.get("client_id"):
            return request.POST["client_id"][:100]
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("basic "):
            try:
                return unquote_plus(base64.b64decode(header[6:]).decode().split(":", 1)[0])[:100]
            except (binascii.Error, UnicodeDecodeError):
                return ""
        return ""


class UserInfoView(dot.UserInfoView):
    def _create_userinfo_response(self, request: HttpRequest) -> HttpResponse:
        if "access_token" in request.GET:
            # RFC 9700 §4.3.2: a token in the address ends up in logs and browser history.
            _refused("oidc.userinfo_refused", request, error="invalid_request", description="token in query")
            response = JsonResponse({"error": "invalid_request"}, status=400)
            response["WWW-Authenticate"] = 'Bearer error="invalid_request"'
            return response
        response = super()._create_userinfo_response(request)
        if response.status_code >= 400:
            _refused("oidc.userinfo_refused", request, error=response.get("WWW-Authenticate", "")[:200])
        return response


class JwksView(OIDCOnlyMixin, View):
    """The JSON Web Key Set: the active signing key and every retired one, so tokens signed before a rotation
    still verify. Only public halves are published."""

    def get(self, request: HttpRequest) -> JsonResponse:
        response = JsonResponse(keys.public_jwks())
        response["Access-Control-Allow-Origin"] = "*"
        response["Cache-Control"] = "public, max-age=3600"
        return response


class LogoutView(dot.RPInitiatedLogoutView):
    template_name = "oauth2_provider/logout_confirm.html"

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **kwargs)
        if not context.get("error"):
            # Only rendered once the address was checked against the client's registered ones.
            _allow_form_redirect(response, self.request.GET.get("post_logout_redirect_uri"))
        return response


# Staff pages: agency clients


def _admin_only(request: HttpRequest) -> None:
    if not can_manage_clients(request.user):
        raise Http404


@staff_required
def client_list(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    return render(request, "oidc/client_list.html", {"clients": selectors.agency_clients_for(request.user)})


def _form_values(form: AgencyClientForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "name_lo": data["name_lo"],
        "name_en": data["name_en"],
        "redirect_uris": data["redirect_uris"],
        "post_logout_redirect_uris": data["post_logout_redirect_uris"],
        "allowed_scopes": data["allowed_scopes"],
    }


def _apply_errors(form: AgencyClientForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


@staff_required
def client_register(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    form = AgencyClientForm(request.POST or None, creating=True, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            client, secret = services.agency_client_register(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                confidential=form.cleaned_data["client_type"] == "confidential",
                **_form_values(form),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            request.session[SESSION_NEW_SECRET] = {"client": str(client.public_id), "secret": secret}
            return redirect("oidc:client_detail", public_id=client.public_id)
    return render(request, "oidc/client_form.html", {"form": form}, status=400 if form.errors else 200)


@staff_required
def client_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    _admin_only(request)
    client = selectors.agency_client_for(request.user, public_id)
    form = AgencyClientForm(
        request.POST or None,
        creating=False,
        initial={
            "name_lo": client.name_lo,
            "name_en": client.name_en,
            "redirect_uris": "\n".join(client.application.redirect_uris.split()),
            "post_logout_redirect_uris": "\n".join(client.application.post_logout_redirect_uris.split()),
            "allowed_scopes": client.allowed_scopes,
        },
    )
    if request.method == "POST" and not client.is_archived and form.is_valid():
        try:
            services.agency_client_update(actor=request.user, client=client, **_form_values(form))
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The client was saved."))
            return redirect("oidc:client_detail", public_id=client.public_id)
    new_secret = request.session.get(SESSION_NEW_SECRET)
    secret = None
    if new_secret and new_secret.get("client") == str(client.public_id):
        secret = request.session.pop(SESSION_NEW_SECRET)["secret"]
    context = {
        "client": client,
        "form": form,
        "archive_form": ArchiveForm(),
        "secret": secret,
        "issuer": request.build_absolute_uri("/").rstrip("/"),
    }
    response = render(request, "oidc/client_detail.html", context, status=400 if form.errors else 200)
    if secret:
        response["Cache-Control"] = "no-store"
    return response


@staff_required
@require_POST
def client_secret_reset(request: HttpRequest, public_id: str) -> HttpResponse:
    _admin_only(request)
    client = selectors.agency_client_for(request.user, public_id)
    secret = services.agency_client_secret_reset(actor=request.user, client=client)
    request.session[SESSION_NEW_SECRET] = {"client": str(client.public_id), "secret": secret}
    return redirect("oidc:client_detail", public_id=client.public_id)


@staff_required
@require_POST
def client_archive(request: HttpRequest, public_id: str) -> HttpResponse:
    _admin_only(request)
    client = selectors.agency_client_for(request.user, public_id)
    form = ArchiveForm(request.POST)
    if form.is_valid():
        try:
            services.agency_client_archive(actor=request.user, client=client, reason=form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("The client is switched off and its tokens no longer work."))
    else:
        messages.error(request, _("Say why this client is switched off."))
    return redirect("oidc:client_detail", public_id=client.public_id)


# Federation: sign in with the national identity provider


def _safe_next(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def federation_login(request: HttpRequest) -> HttpResponse:
    if federation.upstream() is None:
        raise Http404
    try:
        url = federation.begin(request, next_url=_safe_next(request, request.GET.get("next", "")))
    except federation.FederationError as exc:
        _refused("oidc.federation_refused", request, error=exc.code, description=exc.detail[:200])
        return render(request, "oidc/federation_error.html", status=502)
    return redirect(url)


def federation_callback(request: HttpRequest) -> HttpResponse:
    if federation.upstream() is None:
        raise Http404
    try:
        completed = federation.complete(request)
        user = services.federated_sign_in(issuer=completed.issuer, claims=completed.claims)
    except federation.FederationError as exc:
        _refused("oidc.federation_refused", request, error=exc.code, description=exc.detail[:200])
        return render(request, "oidc/federation_error.html", status=400)
    except services.FederationRefused as exc:
        _refused("oidc.federation_refused", request, error="not_linkable", description=str(exc))
        return render(request, "oidc/federation_error.html", {"not_linkable": True}, status=403)
    login(request, user, backend="elaos.accounts.backends.PhoneCodeBackend")
    response = redirect(_safe_next(request, completed.next_url))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        user.preferred_language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
    )
    return response
