"""Sign-up, sign-in, profile and the staff second factor. Views parse input and call services."""

import base64

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from elaos.accounts import forms, services
from elaos.accounts.backends import login_identifier
from elaos.accounts.models import User
from elaos.accounts.phone import display_phone

SESSION_PHONE = "elaos_signin_phone"
SESSION_SIGNUP = "elaos_signup_names"
SESSION_NEXT = "elaos_next"
SESSION_RECOVERY = "elaos_recovery_codes"


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or request.session.get(SESSION_NEXT) or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _locked_message() -> str:
    return _(
        "Too many wrong attempts. For your safety, signing in to this account is paused for 30 minutes. "
        "Try again later."
    )


def locked_out(request: HttpRequest, response: HttpResponse, credentials: dict | None) -> HttpResponse:
    """django-axes lockout: the view has already shown the form with what was typed and a clear message."""
    if response is not None and response.status_code in (200, 400):
        response.status_code = 429
        return response
    return render(request, "accounts/locked.html", {"message": _locked_message()}, status=429)


def _sign_in(request: HttpRequest, user: User) -> HttpResponseRedirect:
    login(request, user)
    response = redirect(_safe_next(request, reverse(settings.LOGIN_REDIRECT_URL)))
    request.session.pop(SESSION_NEXT, None)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        user.preferred_language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
    )
    return response


def _send_code(request: HttpRequest, form: forms.forms.Form, phone: str) -> HttpResponse | None:
    try:
        services.phone_code_request(phone=phone, ip=_client_ip(request))
    except services.TooManyCodes:
        form.add_error("phone", _("Too many codes were asked for this number. Wait an hour and try again."))
        return None
    request.session[SESSION_PHONE] = phone
    if nxt := request.GET.get("next"):
        request.session[SESSION_NEXT] = nxt
    return redirect("accounts:code")


def sign_in(request: HttpRequest) -> HttpResponse:
    form = forms.PhoneSignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        request.session.pop(SESSION_SIGNUP, None)
        if response := _send_code(request, form, form.cleaned_data["phone"]):
            return response
    return render(request, "accounts/sign_in.html", {"form": form}, status=400 if form.errors else 200)


def sign_up(request: HttpRequest) -> HttpResponse:
    form = forms.PhoneSignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        request.session[SESSION_SIGNUP] = form.names()
        if response := _send_code(request, form, form.cleaned_data["phone"]):
            return response
    return render(request, "accounts/sign_up.html", {"form": form}, status=400 if form.errors else 200)


def code(request: HttpRequest) -> HttpResponse:
    phone = request.session.get(SESSION_PHONE)
    if not phone:
        return redirect("accounts:sign_in")
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, phone=phone, code=form.cleaned_data["code"], signup=request.session.get(SESSION_SIGNUP)
        )
        if user is not None:
            axes_reset(username=login_identifier(request, {"phone": phone}))
            request.session.pop(SESSION_PHONE, None)
            request.session.pop(SESSION_SIGNUP, None)
            return _sign_in(request, user)
        if getattr(request, "axes_locked_out", False):
            form.add_error(None, _locked_message())
        else:
            form.add_error("code", _("This code is wrong or has expired. Check the SMS, or ask for a new code."))
    context = {"form": form, "phone": display_phone(phone)}
    return render(request, "accounts/code.html", context, status=400 if form.errors else 200)


@require_POST
def code_resend(request: HttpRequest) -> HttpResponse:
    phone = request.session.get(SESSION_PHONE)
    if not phone:
        return redirect("accounts:sign_in")
    try:
        services.phone_code_request(phone=phone, ip=_client_ip(request))
        messages.success(request, _("We sent a new code."))
    except services.TooManyCodes:
        messages.error(request, _("Too many codes were asked for this number. Wait an hour and try again."))
    return redirect("accounts:code")


def sign_in_email(request: HttpRequest) -> HttpResponse:
    form = forms.EmailSignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["email"], password=form.cleaned_data["password"])
        if user is not None:
            return _sign_in(request, user)
        if getattr(request, "axes_locked_out", False):
            form.add_error(None, _locked_message())
        else:
            form.add_error(None, _("The e-mail or password is wrong, or the account is not confirmed yet."))
    return render(request, "accounts/sign_in_email.html", {"form": form}, status=400 if form.errors else 200)


def sign_up_email(request: HttpRequest) -> HttpResponse:
    form = forms.EmailSignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            services.email_signup(
                email=email,
                password=form.cleaned_data["password1"],
                profile=form.names(),
                base_url=request.build_absolute_uri("/").rstrip("/"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return render(request, "accounts/email_sent.html", {"email": email})
    return render(request, "accounts/sign_up_email.html", {"form": form}, status=400 if form.errors else 200)


def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        services.email_confirm(token=token)
    except ValidationError as exc:
        return render(request, "accounts/email_confirm_failed.html", {"error": exc.messages[0]}, status=400)
    messages.success(request, _("Your e-mail address is confirmed. You can sign in now."))
    return redirect("accounts:sign_in_email")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = forms.ProfileForm(request.POST or None, instance=User.objects.get(pk=user.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(actor=user, user=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your profile is saved."))
            response = redirect("accounts:profile")
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                form.cleaned_data["preferred_language"],
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
            )
            return response
    return render(request, "accounts/profile.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """Staff enrol an authenticator on first sign-in, then give a code each time they sign in."""
    user: User = request.user  # type: ignore[assignment]
    if not user.is_staff:
        return redirect("accounts:profile")
    if user.is_verified():  # type: ignore[attr-defined]
        return redirect(_safe_next(request, reverse("agencies:backoffice")))
    if not user_has_device(user, confirmed=True):
        return _enrol(request, user)
    form = forms.TokenForm(request.POST or None)
    credentials = {"username": f"second-factor:{user.public_id}"}
    if request.method == "POST" and form.is_valid():
        if not AxesProxyHandler.is_allowed(request, credentials):
            form.add_error(None, _locked_message())
            return render(request, "accounts/second_factor.html", {"form": form}, status=429)
        device = services.second_factor_match(user=user, token=form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            axes_reset(username=login_identifier(request, credentials))
            return redirect(_safe_next(request, reverse("agencies:backoffice")))
        user_login_failed.send(sender=User, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            form.add_error(None, _locked_message())
        else:
            form.add_error("token", _("This code is wrong. Codes change every 30 seconds; try the newest one."))
    return render(request, "accounts/second_factor.html", {"form": form}, status=400 if form.errors else 200)


def _enrol(request: HttpRequest, user: User) -> HttpResponse:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or request.method == "GET":
        device = services.totp_device_start(user=user)
    form = forms.TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.totp_device_confirm(user=user, device=device, token=form.cleaned_data["token"])
        if codes is not None:
            otp_login(request, device)
            request.session[SESSION_RECOVERY] = codes
            return redirect("accounts:recovery_codes")
        form.add_error("token", _("This code is wrong. Check the time on your phone and try the newest code."))
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "qr_data_uri": "data:image/svg+xml;base64,"
        + base64.b64encode(qr.svg_inline(scale=5, dark="#000", light="#fff").encode()).decode(),
        "secret": base64.b32encode(device.bin_key).decode().rstrip("="),
    }
    return render(request, "accounts/second_factor_enrol.html", context, status=400 if form.errors else 200)


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    codes = request.session.pop(SESSION_RECOVERY, None)
    if not codes:
        return redirect("agencies:backoffice")
    return render(request, "accounts/recovery_codes.html", {"codes": codes})


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    form_class = forms.QueuedPasswordResetForm


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
