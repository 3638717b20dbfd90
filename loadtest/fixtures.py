"""The data the load test needs, written into the load database through the domain's own services (as the site
writes it) plus bulk inserts where thousands of rows are only background (citizens, their sessions).

Run by loadtest/run.py in a subprocess with the load site's environment (loadtest.settings, its database, keys,
media):

    python -m loadtest.fixtures OUT.json

It writes what the virtual users need as JSON to OUT.json (session cookies, paths, form values); logs go to
stderr. Everything it makes is named `load-…@load.e-laos.invalid`, so a kept database is topped up, never
duplicated: citizens and applications are created only up to the numbers asked for, sessions are fresh each run.
"""

import json
import os
import re
import secrets
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchmarks.fixtures import SERVICE, form_values, required_files

LOAD_EMAIL_DOMAIN = "load.e-laos.invalid"
CITIZEN_EMAIL = "load-citizen{i}@" + LOAD_EMAIL_DOMAIN
OFFICER_EMAIL = "load-officer{i}@" + LOAD_EMAIL_DOMAIN
# Searches a citizen types in the catalogue: Lao and English words of real service names, and a miss.
SEARCHES = ["ໃບຢັ້ງຢືນ", "ທີ່ຢູ່", "ສະມາຄົມ", "residence", "passport", "birth", "ແຮງງານ", "zzzz"]
# Which public list pages hold links to which parameterised public pages: a crawl of the real pages (as a visitor
# follows links) instead of reading each app's models, so that the load follows the apps as they change.
PUBLIC_LISTS = {
    "npa_profiles": ("/npas/", "npas:profile"),
    "budget_agencies": ("/budget/", "budget:agency"),
    "budget_payments": ("/budget/payments/", "budget:payment"),
    "budget_flags": ("/budget/flags/", "budget:flag"),
    "migration_agencies": ("/migration/agencies/", "migration:agency_detail"),
    "consultations": ("/consultations/", "consultation:detail"),
    "services": ("/services/", "services:service_detail"),
}
PUBLIC_PAGES = [
    "/",
    "/services/",
    "/npas/",
    "/budget/",
    "/budget/payments/",
    "/budget/flags/",
    "/budget/index/",
    "/migration/",
    "/migration/agencies/",
    "/consultations/",
    "/coordination/groups/",
    "/verify/",
]
HREF = re.compile(r'href="(/[^"#?]*)"')


def _log(message: str) -> None:
    print(f"[load fixtures] {message}", file=sys.stderr, flush=True)


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


# --- sessions --------------------------------------------------------------------------------------------------


def _sessions(users: list[Any], backend: str, extra: dict[str, Any] | None = None) -> list[str]:
    """A fresh database session for each user, as django.contrib.auth.login leaves it, inserted in bulk; the
    session keys (the cookie values)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    store = SessionStore()
    expires = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    rows, keys = [], []
    for user in users:
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            **(extra(user) if callable(extra) else extra or {}),
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        keys.append(key)
    Session.objects.bulk_create(rows, batch_size=1000)
    return keys


# --- people ----------------------------------------------------------------------------------------------------


def _citizens(count: int) -> list[Any]:
    """`count` citizens of Chanthabouly district (Vientiane Capital), created in bulk where missing."""
    from django.contrib.auth.hashers import make_password

    from elaos.accounts.models import User
    from elaos.core.models import District, Province

    existing = {
        u.email: u for u in User.objects.filter(email__endswith=f"@{LOAD_EMAIL_DOMAIN}", email__startswith="load-cit")
    }
    province = Province.objects.get(code="01")
    district = District.objects.filter(code="0101").first()
    missing = [CITIZEN_EMAIL.format(i=i) for i in range(count) if CITIZEN_EMAIL.format(i=i) not in existing]
    if missing:
        unusable = make_password(None)
        User.objects.bulk_create(
            [
                User(
                    email=email,
                    password=unusable,
                    given_name_lo="ສົມໃຈ",
                    family_name_lo="ທົດລອງ",
                    given_name_latin="Somchai",
                    family_name_latin=f"Load{email.split('@')[0].removeprefix('load-citizen')}",
                    province=province,
                    district=district,
                )
                for email in missing
            ],
            batch_size=1000,
        )
        _log(f"{len(missing)} citizens created")
    by_email = {u.email: u for u in User.objects.filter(email__endswith=f"@{LOAD_EMAIL_DOMAIN}")}
    return [by_email[CITIZEN_EMAIL.format(i=i)] for i in range(count)]


def _officers(count: int, office: Any) -> list[Any]:
    """Reviewers (who may also approve) of `office`, each with a confirmed authenticator."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from elaos.accounts.models import User
    from elaos.agencies.models import Role, RoleAssignment

    officers = []
    for i in range(count):
        officer, created = User.objects.get_or_create(
            email=OFFICER_EMAIL.format(i=i),
            defaults={
                "given_name_lo": "ບຸນມີ",
                "family_name_lo": "ທົດລອງ",
                "given_name_latin": "Bounmy",
                "family_name_latin": f"Load{i}",
                "is_staff": True,
            },
        )
        if created:
            officer.set_password(secrets.token_urlsafe(16))
            officer.save(update_fields=["password"])
        for role in ("reviewer", "approver"):
            RoleAssignment.objects.get_or_create(user=officer, organisation=office, role=Role.objects.get(code=role))
        if not officer.totpdevice_set.exists():
            TOTPDevice.objects.create(user=officer, name="load authenticator", confirmed=True)
        officers.append(officer)
    return officers


# --- applications ----------------------------------------------------------------------------------------------


def _uploads(definition: dict[str, Any]) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        field.split("-", 1)[1]: SimpleUploadedFile(name, content, content_type=ctype)
        for field, name, ctype, content in required_files(definition)
    }


def _submitted(citizen: Any, service: Any) -> Any:
    """A sent application of `citizen`: created, filled, files uploaded, submitted through the services."""
    from elaos.services import services
    from elaos.services.forms import ApplicationForm

    application = services.application_create(applicant=citizen, service=service)
    definition = application.service_version.definition
    form = ApplicationForm(form_values(definition), definition=definition)
    if not form.is_valid():
        raise RuntimeError(f"made-up form values refused: {form.errors.as_json()}")
    application = services.application_save_draft(actor=citizen, application=application, data=form.draft_data())
    for code, upload in _uploads(definition).items():
        services.application_upload(actor=citizen, application=application, requirement=code, upload=upload)
    return services.application_submit(actor=citizen, application=application)


def _applications(citizens: list[Any], service: Any, count: int) -> list[Any]:
    """At least `count` sent applications among the load citizens (one each, the first citizens), so that the
    status pages have something to show and the officers' queues are full."""
    from elaos.services.models import Application

    # Each citizen's earliest sent application (the one this function made), not one a virtual user made later.
    have = {
        a.applicant_id: a
        for a in Application.objects.active()
        .filter(applicant__email__endswith=f"@{LOAD_EMAIL_DOMAIN}", service_version__service=service)
        .exclude(state="draft")
        .order_by("-pk")
    }
    started, made = time.perf_counter(), 0
    result = []
    for citizen in citizens[:count]:
        application = have.get(citizen.pk)
        if application is None:
            application = _submitted(citizen, service)
            made += 1
            if made % 50 == 0:
                _log(f"{made} applications sent ({time.perf_counter() - started:.0f} s)")
        result.append(application)
    if made:
        _log(f"{made} applications sent in {time.perf_counter() - started:.1f} s")
    return result


def _issued_document(citizen: Any, officer: Any, service: Any) -> str:
    """The QR payload of a document issued to a load citizen (an application approved, its PDF signed), for
    /verify/; made once per database."""
    from elaos.documents.models import Document
    from elaos.services import services
    from elaos.services.models import Application

    done = Application.objects.filter(
        applicant__email__endswith=f"@{LOAD_EMAIL_DOMAIN}", document_id__isnull=False
    ).first()
    if done is None:
        application = _submitted(citizen, service)
        application = services.application_act(actor=officer, application=application, transition="start_review")
        application = services.application_act(actor=officer, application=application, transition="approve")
        application.refresh_from_db()
        if not application.document_id:
            raise RuntimeError("the approved application has no document: generate_document did not run")
        done = application
    return str(Document.objects.get(public_id=done.document_id).payload)


# --- public pages ----------------------------------------------------------------------------------------------


def _public_links() -> dict[str, list[str]]:
    """Paths of parameterised public pages, found on the list pages that link to them."""
    from django.test import Client
    from django.urls import Resolver404, resolve

    client = Client()
    found: dict[str, list[str]] = {}
    for key, (list_path, url_name) in PUBLIC_LISTS.items():
        response = client.get(list_path)
        paths: list[str] = []
        if response.status_code == 200:
            for href in dict.fromkeys(HREF.findall(response.content.decode())):
                try:
                    match = resolve(href)
                except Resolver404:
                    continue
                if match.view_name == url_name:
                    paths.append(href)
        found[key] = paths[:50]
        _log(f"{key}: {len(paths)} links on {list_path} ({response.status_code})")
    return found


@contextmanager
def _buffered_copy() -> Iterator[None]:
    """The budget generator's row iterator reads budget lines' functions lazily (line.function.code) while its
    PostgreSQL COPY holds the connection, and psycopg then waits for itself forever (seen: COPY budget_transaction
    'active', wait_event ClientRead, the Python process asleep on a futex). Handing COPY the rows as a list made
    before it starts avoids that without changing what is generated. load_demo() runs the generator too."""
    try:
        from elaos.budget import generator
    except ImportError:
        yield
        return
    copy_rows = generator._copy_rows
    generator._copy_rows = lambda table, columns, rows: copy_rows(table, columns, list(rows))
    try:
        yield
    finally:
        generator._copy_rows = copy_rows


def _budget_data() -> None:
    """Glass Accounts data through the budget app's own generator (what `manage.py budget_generate` runs), when
    the demo data brought none."""
    try:
        from elaos.budget import generator
    except ImportError:
        _log("no budget generator: the Glass Accounts pages run on whatever data there is")
        return
    from django.apps import apps

    transaction_model = apps.get_model("budget", "Transaction")
    if transaction_model.objects.exists():
        _log(f"Glass Accounts data present ({transaction_model.objects.count()} transactions)")
        return
    count = _env_int("LOAD_BUDGET_TRANSACTIONS", 20_000)
    started = time.perf_counter()
    generator.generate(transactions=count, log=lambda message: _log(f"budget_generate: {message}"))
    _log(f"Glass Accounts data generated ({count} transactions) in {time.perf_counter() - started:.0f} s")


def _archive_earlier_runs(kept: list[Any]) -> None:
    """Archive what the virtual users of earlier runs applied for (archive, never delete: the audit chain keeps
    their history), so every run starts from the same data: otherwise the citizens' lists of applications and the
    officers' queue grow with every run, and so does what each page costs."""
    from django.utils import timezone

    from elaos.services.models import Application

    archived = (
        Application.objects.active()
        .filter(applicant__email__endswith=f"@{LOAD_EMAIL_DOMAIN}")
        .exclude(pk__in=[a.pk for a in kept])
        .update(archived_at=timezone.now())
    )
    if archived:
        _log(f"{archived} applications of earlier runs archived")


def main(out: Path) -> int:
    import django

    django.setup()
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY

    from elaos.demo.data import load_demo
    from elaos.services.models import Service

    started = time.perf_counter()
    with _buffered_copy():
        load_demo()
        _log(f"demo data in place ({time.perf_counter() - started:.0f} s)")
        _budget_data()
    Session.objects.filter(expire_date__lt=timezone.now()).delete()

    service = Service.objects.get(code=SERVICE)
    definition = service.current_version.definition
    citizens = _citizens(_env_int("LOAD_CITIZENS", 3000))
    applications = _applications(citizens, service, _env_int("LOAD_APPLICATIONS", 200))
    _archive_earlier_runs(applications)
    office = applications[0].office
    officers = _officers(_env_int("LOAD_OFFICERS", 20), office)
    payload = _issued_document(citizens[-1], officers[0], service)

    started = time.perf_counter()
    citizen_sessions = _sessions(citizens, "elaos.accounts.backends.PhoneCodeBackend")
    officer_sessions = _sessions(
        officers,
        "elaos.accounts.backends.EmailPasswordBackend",
        lambda user: {DEVICE_ID_SESSION_KEY: user.totpdevice_set.get().persistent_id},
    )
    _log(f"{len(citizen_sessions) + len(officer_sessions)} sessions made in {time.perf_counter() - started:.1f} s")
    statuses = {a.applicant_id: f"/services/applications/{a.public_id}/status/" for a in applications}

    data = {
        "service": SERVICE,
        "office": office.code,
        "form": form_values(definition),
        "files": [[field, name, ctype] for field, name, ctype, _content in required_files(definition)],
        "citizens": [
            {"session": key, "status": statuses.get(citizen.pk, "")}
            for citizen, key in zip(citizens, citizen_sessions, strict=True)
        ],
        "officers": officer_sessions,
        "verify_payload": payload,
        "searches": SEARCHES,
        "public_pages": PUBLIC_PAGES,
        "links": _public_links(),
    }
    out.write_text(json.dumps(data, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
