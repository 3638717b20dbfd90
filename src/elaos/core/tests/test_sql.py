"""The plain-SQL reads of every signed-in request give exactly what the ORM gives (ADR 0007)."""

import datetime
import uuid
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone

from elaos.accounts.backends import EmailPasswordBackend, PhoneCodeBackend
from elaos.accounts.models import User
from elaos.core.models import Province
from elaos.core.sql import instance_by_pk

pytestmark = pytest.mark.django_db


def field_values(obj: User) -> dict[str, object]:
    return {f.attname: getattr(obj, f.attname) for f in User._meta.concrete_fields}


def test_instance_by_pk_equals_the_orms_instance(citizen: User) -> None:
    citizen.date_of_birth = datetime.date(1990, 1, 15)
    citizen.email_verified_at = timezone.now()
    citizen.province = Province.objects.get(code="01")
    citizen.is_staff = True
    citizen.save()

    loaded = instance_by_pk(User, citizen.pk)

    assert loaded is not None
    assert field_values(loaded) == field_values(User.objects.get(pk=citizen.pk))
    assert isinstance(loaded.public_id, uuid.UUID)
    assert isinstance(loaded.date_of_birth, datetime.date)
    assert loaded.email_verified_at.tzinfo is not None
    assert loaded.is_staff is True
    assert loaded._state.adding is False
    assert loaded._state.db == "default"


def test_instance_by_pk_of_no_row_is_none(citizen: User) -> None:
    assert instance_by_pk(User, citizen.pk + 1000) is None
    # A session holds the id as text.
    assert instance_by_pk(User, str(citizen.pk)) == citizen


@pytest.mark.parametrize("backend", [EmailPasswordBackend, PhoneCodeBackend])
def test_signed_in_user_is_refused_once_deactivated(backend, citizen: User) -> None:  # type: ignore[no-untyped-def]
    assert backend().get_user(citizen.pk) == citizen
    User.objects.filter(pk=citizen.pk).update(is_active=False)
    assert backend().get_user(citizen.pk) is None
    assert backend().get_user(citizen.pk + 1000) is None


def store(key: str | None = None):  # type: ignore[no-untyped-def]
    return import_module(settings.SESSION_ENGINE).SessionStore(key)


def test_session_store_reads_what_it_wrote_and_forgets_expired_or_unknown_keys(citizen: User) -> None:
    assert settings.SESSION_ENGINE == "elaos.accounts.sessions"
    session = store()
    session[SESSION_KEY] = str(citizen.pk)
    session.save()
    key = session.session_key

    assert store(key)[SESSION_KEY] == str(citizen.pk)

    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    expired = store(key)
    assert expired.load() == {}
    assert expired.session_key is None

    unknown = store("x" * 32)
    assert SESSION_KEY not in unknown
    assert unknown.session_key is None


def test_session_cookie_signs_the_citizen_in_and_logout_ends_it(client, citizen: User) -> None:  # type: ignore[no-untyped-def]
    client.force_login(citizen)
    assert client.get("/api/v1/me").status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.logout()
    client.cookies[settings.SESSION_COOKIE_NAME] = key  # a copy of the old cookie
    assert client.get("/api/v1/me").status_code == 401
