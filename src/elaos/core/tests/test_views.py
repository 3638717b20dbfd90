"""Home page, health probes and the language switch."""

import re

import pytest
from django.db import OperationalError
from django.test import Client
from django_tasks_db.models import DBTaskResultQuerySet
from pytest_django import DjangoCaptureOnCommitCallbacks

from elaos.accounts.models import User
from elaos.notifications.services import sms_send

LAO_SCRIPT = re.compile("[\u0e80-\u0eff]")
H1 = re.compile(r"<h1>(.*?)</h1>", re.S)


def test_healthz_answers_ok(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_checks_database_and_task_queue(client: Client, db: None) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "task_queue": "ok"}
    assert body["tasks_waiting"] == 0


def test_readyz_counts_waiting_tasks(
    client: Client, db: None, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sms_send(to="+8562055512345", body="ລະຫັດຂອງທ່ານ 123456")

    assert client.get("/readyz").json()["tasks_waiting"] == 1


def test_readyz_is_unavailable_when_the_task_queue_is_not(
    client: Client, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable(self: DBTaskResultQuerySet) -> DBTaskResultQuerySet:
        raise OperationalError("no such table: django_tasks_database_dbtaskresult")

    monkeypatch.setattr(DBTaskResultQuerySet, "ready", unreachable)

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"] == {"database": "ok", "task_queue": "error: OperationalError"}


def test_home_is_in_lao_by_default(client: Client, db: None) -> None:
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="lo">' in html
    heading = H1.search(html).group(1)  # type: ignore[union-attr]
    assert LAO_SCRIPT.search(heading), heading


def test_home_has_a_strict_content_security_policy(client: Client, db: None) -> None:
    policy = client.get("/")["Content-Security-Policy"]

    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_switching_to_english_is_kept_by_cookie(client: Client, db: None) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies["elaos_language"].value == "en"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Government services of the Lao PDR, in one place" in html
    assert '<html lang="en">' in client.get("/accounts/sign-in/").content.decode()


def test_switching_back_to_lao(client: Client, db: None) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.post("/i18n/setlang/", {"language": "lo", "next": "/"})

    assert '<html lang="lo">' in client.get("/").content.decode()


def test_switching_language_is_remembered_on_the_account(client: Client, citizen: User) -> None:
    client.force_login(citizen)

    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/profile/"})

    citizen.refresh_from_db()
    assert citizen.preferred_language == "en"


def test_an_unknown_language_changes_nothing(client: Client, citizen: User) -> None:
    client.force_login(citizen)

    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/"})

    citizen.refresh_from_db()
    assert citizen.preferred_language == "lo"
    assert "elaos_language" not in response.cookies


def test_switching_language_returns_to_a_local_page(client: Client, db: None) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/sign-in/?x=1"})

    assert response["Location"] == "/accounts/sign-in/?x=1"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/phish", "//evil.example/", "http://testserver.evil.example/", "/\\evil.example"]
)
def test_switching_language_never_follows_an_off_site_next(client: Client, db: None, next_url: str) -> None:
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": next_url}, headers={"Referer": "https://evil.example/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies["elaos_language"].value == "en"


def test_switching_language_needs_post(client: Client, db: None) -> None:
    assert client.get("/i18n/setlang/?language=en").status_code == 405
