"""Authentication backends. Both run behind django-axes, which counts failures per login identifier and
locks it after AXES_FAILURE_LIMIT; neither tells whether an account exists."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from elaos.accounts.models import User
from elaos.accounts.services import phone_code_check
from elaos.core.sql import instance_by_pk


def login_identifier(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """What axes locks: the e-mail or phone being signed in to (or a staff member's second-factor id)."""
    credentials = credentials or {}
    value = credentials.get("username") or credentials.get("email") or credentials.get("phone")
    return str(value).strip().lower() if value else None


class SignedInUserBackend(ModelBackend):
    """Loads the signed-in user of every request with one plain SQL statement instead of a compiled ORM query
    (elaos.core.sql); who may sign in is decided exactly as Django's ModelBackend decides it."""

    def get_user(self, user_id: Any) -> User | None:
        user = instance_by_pk(User, user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class EmailPasswordBackend(SignedInUserBackend):
    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        email = username or kwargs.get("email")
        if not email or not password:
            return None
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            # Hash anyway so that timing does not reveal which addresses have accounts.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


class PhoneCodeBackend(SignedInUserBackend):
    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        phone: str | None = None,
        code: str | None = None,
        signup: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not phone or not code:
            return None
        return phone_code_check(phone=phone, code=code, signup=signup)
