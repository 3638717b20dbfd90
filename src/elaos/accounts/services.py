"""Account writes: sign-up, sign-in codes, e-mail confirmation, profile, staff second factor."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from elaos.accounts.models import PhoneCode, User
from elaos.core.audit import audit_record
from elaos.notifications.services import email_send, sms_send

EMAIL_CONFIRM_SALT = "elaos.accounts.email-confirm"
RECOVERY_CODE_COUNT = 10


class TooManyCodes(Exception):
    """More sign-in codes were asked for this number than the hourly limit allows."""


def _code_hash(phone: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def phone_code_request(*, phone: str, ip: str | None = None) -> None:
    """Send a one-time sign-in code by SMS. The same happens whether or not the number has an account,
    so the answer never tells a stranger who is registered."""
    since = timezone.now() - timedelta(hours=1)
    if PhoneCode.objects.filter(phone=phone, created_at__gte=since).count() >= settings.PHONE_CODE_MAX_PER_HOUR:
        raise TooManyCodes
    # A new code replaces any earlier one.
    PhoneCode.objects.filter(phone=phone, used_at__isnull=True).update(expires_at=timezone.now())
    code = "".join(secrets.choice("0123456789") for _ in range(settings.PHONE_CODE_LENGTH))
    record = PhoneCode.objects.create(
        phone=phone,
        code_hash=_code_hash(phone, code),
        requested_ip=ip,
        expires_at=timezone.now() + timedelta(seconds=settings.PHONE_CODE_TTL_SECONDS),
    )
    minutes = settings.PHONE_CODE_TTL_SECONDS // 60
    with translation.override(_language_for_phone(phone)):
        body = _("e-Laos code: %(code)s. It expires in %(minutes)s minutes. Never share it.") % {
            "code": code,
            "minutes": minutes,
        }
    sms_send(to=phone, body=body, idempotency_key=f"phone-code:{record.pk}")


def _language_for_phone(phone: str) -> str:
    user = User.objects.filter(phone=phone).only("preferred_language").first()
    return user.preferred_language if user else translation.get_language() or settings.LANGUAGE_CODE


@transaction.atomic
def phone_code_check(*, phone: str, code: str, signup: dict[str, str] | None = None) -> User | None:
    """Use a sign-in code. A right code signs in the number's account, creating it on first use."""
    record = (
        PhoneCode.objects.select_for_update()
        .filter(phone=phone, used_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )
    if record is None or not record.usable:
        return None
    if not hmac.compare_digest(record.code_hash, _code_hash(phone, code.strip())):
        record.failed_attempts += 1
        record.save(update_fields=["failed_attempts"])
        return None
    record.used_at = timezone.now()
    record.save(update_fields=["used_at"])
    user = User.objects.filter(phone=phone).first()
    if user is None:
        user = User(phone=phone, preferred_language=translation.get_language() or "lo", **(signup or {}))
        user.set_unusable_password()
        user.full_clean()
        user.save()
        audit_record(actor=user, action="user.signup", obj=user, data={"method": "phone"})
    return user if user.is_active else None


@transaction.atomic
def email_signup(*, email: str, password: str, profile: dict[str, str], base_url: str) -> None:
    """Start an e-mail sign-up. The page says the same thing whether or not the address is taken; the
    mailbox owner learns which (a confirmation link, or a reminder that the account exists)."""
    email = email.strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    # Only a pending sign-up (inactive, never confirmed, never signed in) may be replaced; an active account whose
    # address was never confirmed by a link (made by an administrator, for instance) or a deactivated one is as
    # taken as a confirmed one.
    if existing is not None and (
        existing.email_verified_at is not None or existing.is_active or existing.last_login is not None
    ):
        email_send(
            to=email,
            subject=_("You already have an e-Laos account"),
            body=_(
                "Someone tried to sign up to e-Laos with this e-mail address, which already has an account.\n"
                "If it was you, sign in or reset your password: %(url)s"
            )
            % {"url": base_url + reverse("accounts:password_reset")},
        )
        return
    if existing is None:
        existing = User(email=email, is_active=False, preferred_language=translation.get_language() or "lo")
    for field, value in profile.items():
        setattr(existing, field, value)
    existing.password = make_password(password)
    existing.full_clean()
    existing.save()
    # The link is bound to this sign-up's password: a later sign-up for the same pending address (by the owner
    # or by someone else) invalidates earlier links, so nobody can pre-register a stranger's address.
    token = signing.dumps(
        {"user": str(existing.public_id), "email": email, "pw": _password_fingerprint(existing)},
        salt=EMAIL_CONFIRM_SALT,
    )
    email_send(
        to=email,
        subject=_("Confirm your e-Laos account"),
        body=_("Open this link within 3 days to confirm your e-mail address and start using e-Laos:\n%(url)s")
        % {"url": base_url + reverse("accounts:email_confirm", args=[token])},
    )


def second_factor_match(*, user: User, token: str) -> TOTPDevice | StaticDevice | None:
    """Check a code against the one kind of device it can belong to: six digits are an authenticator code,
    anything else a recovery code. A typo then never throttles the other device."""
    devices = (
        TOTPDevice.objects.filter(user=user, confirmed=True)
        if token.isdigit() and len(token) == 6
        else StaticDevice.objects.filter(user=user, confirmed=True)
    )
    for device in devices:
        if device.verify_is_allowed()[0] and device.verify_token(token):
            return device
    return None


def _password_fingerprint(user: User) -> str:
    return salted_hmac(EMAIL_CONFIRM_SALT, user.password).hexdigest()[:20]


@transaction.atomic
def email_confirm(*, token: str) -> User:
    try:
        data = signing.loads(token, salt=EMAIL_CONFIRM_SALT, max_age=timedelta(days=3))
    except signing.BadSignature as exc:
        raise ValidationError(_("This confirmation link is wrong or has expired. Sign up again."), "bad_token") from exc
    user = User.objects.select_for_update().filter(public_id=data["user"], email=data["email"]).first()
    if user is None or (user.email_verified_at is None and data.get("pw") != _password_fingerprint(user)):
        raise ValidationError(_("This confirmation link is wrong or has expired. Sign up again."), "bad_token")
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.is_active = True
        user.save(update_fields=["email_verified_at", "is_active"])
        audit_record(actor=user, action="user.signup", obj=user, data={"method": "email"})
    return user


PROFILE_FIELDS = (
    "given_name_lo",
    "family_name_lo",
    "given_name_latin",
    "family_name_latin",
    "date_of_birth",
    "national_id",
    "province",
    "district",
    "village",
    "address_line",
    "preferred_language",
)


@transaction.atomic
def profile_update(*, actor: User, user: User, **changes: object) -> User:
    if actor.pk != user.pk:
        raise PermissionError("people edit their own profile")
    changed = [f for f, v in changes.items() if f in PROFILE_FIELDS and getattr(user, f) != v]
    for field in changed:
        setattr(user, field, changes[field])
    user.full_clean()
    user.save()
    # The audit row names the fields, never their values: personal data stays out of the chain.
    audit_record(actor=actor, action="user.profile_update", obj=user, data={"fields": sorted(changed)})
    return user


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator for a staff member (replaces an earlier unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm an authenticator with its first code; returns fresh recovery codes, shown once."""
    if device.user_id != user.pk or not device.verify_token(token.strip()):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_regenerate(user=user)
    audit_record(actor=user, action="user.second_factor_enrol", obj=user)
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes
