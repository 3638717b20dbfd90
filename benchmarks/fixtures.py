"""Data the citizen and back-office benchmarks need, written into the benchmark's database through the domain's
own services, the way the site writes it: demo data, citizens and an officer with sessions, applications, an
issued document. Also counts the SQL queries of each measured page (django.test.Client, in this process).

Run in a subprocess with the benchmark site's environment (benchmarks.settings, its database, keys and media):

    python -m benchmarks.fixtures NAME '{"param": ...}' OUT.json

It writes what it made (paths, session cookies, query counts) as JSON to OUT.json; logs go to stderr.
Everything it creates is named `bench-<random>@bench.e-laos.invalid`, so runs on a kept PostgreSQL database
never collide. The pure helpers at the top (form values, test files) import no Django model."""

import json
import re
import secrets
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

# The smallest file the upload check accepts as a PDF (it looks at the first bytes) and a PDF reader opens.
TINY_PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
TINY_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
BENCH_EMAIL_DOMAIN = "bench.e-laos.invalid"
DOCUMENT_PREFIX = "document"  # elaos.services.forms.DOCUMENT_PREFIX: file inputs are named document-<code>
SERVICE = "certificate-of-residence"  # free (workflow certificate-free): no payment between submit and queue
SAMPLE_TEXT = "ບ້ານ ໂພນໄຊ ທົດສອບ"  # Lao text, like real answers


def _log(message: str) -> None:
    print(f"[bench fixtures] {message}", file=sys.stderr, flush=True)


# --- pure helpers ------------------------------------------------------------------------------------------------


def form_values(definition: dict[str, Any]) -> dict[str, str]:
    """What a citizen would type into a service's form, as the browser posts it: a valid value for every field of
    the form's JSON Schema. Fields constrained by a `pattern` are filled only if optional ones can be left out;
    a required one raises ValueError, since no generic value matches an arbitrary pattern."""
    form = definition["form"]
    schema, ui = form["schema"], form.get("ui", {})
    required = set(schema.get("required", []))
    values: dict[str, str] = {}
    for name, prop in schema["properties"].items():
        kind = prop.get("type")
        hints = ui.get(name, {})
        if "enum" in prop:
            values[name] = str(prop["enum"][0])
        elif kind in ("integer", "number"):
            low = prop.get("minimum", 0)
            high = prop.get("maximum")
            value = max(low, 1) if high is None else min(max(low, 1), high)
            values[name] = str(int(value) if kind == "integer" else value)
        elif kind == "boolean":
            values[name] = "on"
        elif prop.get("format") == "date" or hints.get("widget") == "date":
            values[name] = "1990-01-15"
        elif kind == "string":
            if "pattern" in prop:
                if name in required:
                    raise ValueError(f"cannot make up a value for {name!r}, which must match {prop['pattern']!r}")
                continue
            text = SAMPLE_TEXT
            while len(text) < prop.get("minLength", 0):
                text += " " + SAMPLE_TEXT
            values[name] = text[: prop.get("maxLength", len(text))].strip()
        elif name in required:
            raise ValueError(f"cannot make up a value for {name!r} of type {kind!r}")
    return values


def required_files(definition: dict[str, Any]) -> list[tuple[str, str, str, bytes]]:
    """(form field, file name, content type, bytes) for each required document: a tiny PDF, or a tiny PNG where
    the service takes no PDF."""
    files = []
    for spec in definition.get("documents", []):
        if not spec.get("required"):
            continue
        types = spec.get("types", ["pdf", "jpeg", "png"])
        if "pdf" in types:
            files.append((f"{DOCUMENT_PREFIX}-{spec['code']}", f"{spec['code']}.pdf", "application/pdf", TINY_PDF))
        elif "png" in types:
            files.append((f"{DOCUMENT_PREFIX}-{spec['code']}", f"{spec['code']}.png", "image/png", TINY_PNG))
        else:
            raise ValueError(f"document {spec['code']!r} takes neither PDF nor PNG: {types}")
    return files


def warmup_service(
    definitions: list[dict[str, Any]], office: str, accepts: Callable[[dict[str, Any]], bool] | None = None
) -> str | None:
    """The code of a service whose submissions can warm the server up without entering `office`'s queue: not
    handled by that office, its form fillable by form_values, and (when given) one that `accepts` says takes the
    made-up answers when they are sent (a domain's own checks may refuse them). Free services first: a paid one
    waits for its payment, outside every queue, which is as good for a warm-up. None when there is none."""
    for definition in sorted(definitions, key=lambda d: (bool(d.get("fees")), d["code"])):
        if definition["code"] == SERVICE:
            continue
        if office in definition.get("offices", []) or definition.get("agency") == office:
            continue
        try:
            form_values(definition)
            required_files(definition)
        except ValueError:
            continue
        if accepts is not None and not accepts(definition):
            continue
        return str(definition["code"])
    return None


_LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b|%s")


def query_shape(sql: str) -> str:
    """An SQL statement with its literals blanked: the same query for another row has the same shape."""
    return re.sub(r"\s+", " ", _LITERALS.sub("?", sql)).strip()


def repeated_queries(statements: list[str]) -> list[tuple[int, str]]:
    """(count, shape) of the query shapes run more than once, most repeated first: the mark of an N+1."""
    counts = Counter(query_shape(sql) for sql in statements)
    return [(n, shape) for shape, n in counts.most_common() if n > 1]


# --- Django side ---------------------------------------------------------------------------------------------------


def _count(
    client: Any, label: str, path: str, method: str = "get", expect: int = 200, quiet: bool = False, **kwargs: Any
) -> dict:
    """One request through the test client, with its status, SQL query count and repeated query shapes (logged
    unless quiet)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(path, **kwargs)
    elapsed = time.perf_counter() - started
    statements = [q["sql"] for q in captured.captured_queries]
    repeats = repeated_queries(statements)
    if response.status_code != expect:
        raise RuntimeError(f"{label}: {method.upper()} {path} answered {response.status_code}, expected {expect}")
    if quiet:
        return {"queries": len(statements), "repeated": [], "response": response}
    _log(
        f"{label}: {method.upper()} {path[:90]} -> {response.status_code}, {len(statements)} queries, "
        f"{elapsed * 1000:.0f} ms (test client)"
    )
    for n, shape in repeats:
        _log(f"  repeated x{n}: {shape[:220]}")
    return {"queries": len(statements), "repeated": [[n, shape[:300]] for n, shape in repeats], "response": response}


def _summary(counted: dict) -> dict:
    return {"queries": counted["queries"], "repeated": counted["repeated"]}


def _new_citizen(tag: str, i: int = 0) -> Any:
    from elaos.accounts.models import User
    from elaos.core.models import District, Province

    return User.objects.create_user(
        email=f"bench-{tag}-citizen{i}@{BENCH_EMAIL_DOMAIN}",
        given_name_lo="ສົມໃຈ",
        family_name_lo="ທົດສອບ",
        given_name_latin="Somchai",
        family_name_latin=f"Bench{i}",
        province=Province.objects.get(code="01"),
        district=District.objects.filter(code="0101").first(),
    )


def _new_officer(tag: str, office: Any) -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from elaos.accounts.models import User
    from elaos.agencies.models import Role, RoleAssignment

    officer = User.objects.create_user(
        email=f"bench-{tag}-officer@{BENCH_EMAIL_DOMAIN}",
        password=secrets.token_urlsafe(16),
        given_name_lo="ບຸນມີ",
        family_name_lo="ທົດສອບ",
        given_name_latin="Bounmy",
        family_name_latin="Bench",
        is_staff=True,
    )
    RoleAssignment.objects.create(user=officer, organisation=office, role=Role.objects.get(code="reviewer"))
    TOTPDevice.objects.create(user=officer, name="bench authenticator", confirmed=True)
    return officer


def _signed_in(user: Any, *, second_factor: bool = False) -> tuple[Any, str]:
    """A test client with a fresh session for the user, and that session's cookie value. With second_factor,
    the session is marked as having passed it, as django_otp.login does after a good code."""
    from django.conf import settings
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    client = Client()
    client.force_login(user)
    if second_factor:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get().persistent_id
        session.save()
    return client, client.cookies[settings.SESSION_COOKIE_NAME].value


def _uploads(definition: dict[str, Any]) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        field.removeprefix(f"{DOCUMENT_PREFIX}-"): SimpleUploadedFile(name, content, content_type=ctype)
        for field, name, ctype, content in required_files(definition)
    }


def _filled_draft(citizen: Any, service: Any) -> Any:
    """A draft with its form filled in and its documents uploaded, as the citizen leaves it before sending."""
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
    return application


def citizen_pages(params: dict[str, Any]) -> dict[str, Any]:
    """A citizen whose residence certificate was approved (submitted, reviewed, approved by an officer, which
    issues the signed PDF through the workflow's generate_document action), signed in; and the query counts of
    the catalogue, the application's status page and the document's verification page."""
    from urllib.parse import quote

    from elaos.documents import selectors as document_selectors
    from elaos.documents.models import Document
    from elaos.services import services
    from elaos.services.models import Service

    tag = secrets.token_hex(4)
    service = Service.objects.get(code=SERVICE)
    citizen = _new_citizen(tag)
    application = _filled_draft(citizen, service)
    application = services.application_submit(actor=citizen, application=application)
    officer = _new_officer(tag, application.office)
    started = time.perf_counter()
    application = services.application_act(actor=officer, application=application, transition="start_review")
    application = services.application_act(actor=officer, application=application, transition="approve")
    application.refresh_from_db()
    _log(f"application {application.reference} approved in {time.perf_counter() - started:.1f} s (PDF issued)")
    if not application.document_id:
        raise RuntimeError("the approved application has no document: generate_document did not run")
    document = Document.objects.get(public_id=application.document_id)
    verification = document_selectors.document_verification(code=document.payload)
    if not verification.valid:
        raise RuntimeError(f"the issued document does not verify: {verification.reason}")

    client, session = _signed_in(citizen)
    anonymous = type(client)()  # the catalogue and /verify/ are measured without cookies, like a first visit
    status_path = f"/services/applications/{application.public_id}/status/"
    verify_path = f"/verify/?c={quote(document.payload, safe='')}"
    pages = {
        "catalogue": (anonymous, "/services/"),
        "status": (client, status_path),
        "verify": (anonymous, verify_path),
        "hello": (client, "/bench/hello"),
        "hello_anonymous": (anonymous, "/bench/hello"),
    }
    # Each twice, the second counted: the first request of a process fills caches (keys, templates, translations).
    for name, (who, path) in pages.items():
        _count(who, f"{name} (first)", path, quiet=True)
    counts = {name: _count(who, name, path) for name, (who, path) in pages.items()}
    if b"message-error" in counts["verify"]["response"].content:
        raise RuntimeError("the verification page does not say the document is valid")
    return {
        "session": session,
        "reference": application.reference,
        "status_path": status_path,
        "verify_path": verify_path,
        "payload_chars": len(document.payload),
        "queries": {name: _summary(c) for name, c in counts.items()},
    }


def _close_leftovers(office: Any, officer: Any) -> int:
    """Refuse the open applications earlier benchmark runs left in the office (a kept PostgreSQL database), so
    that this run's applications are the only bench ones in the queue and all fit on its first page."""
    from elaos.services import services
    from elaos.services.models import Application

    leftovers = (
        Application.objects.filter(
            office=office, applicant__email__endswith=f"@{BENCH_EMAIL_DOMAIN}", workflow__is_terminal=False
        )
        .exclude(state="draft")
        .select_related("workflow")
    )
    closed = 0
    for application in leftovers:
        services.application_act(
            actor=officer, application=application, transition="reject", reason="Closed by the next benchmark run."
        )
        closed += 1
    return closed


def submissions(params: dict[str, Any]) -> dict[str, Any]:
    """`clients` signed-in citizens with `applications` empty drafts between them (as the service page's Apply
    button makes them), and an officer of the office they are routed to, signed in with the second factor passed.
    Also counts the queries of the edit page, of one submission and of the queue, with one application sent."""
    from elaos.services import services
    from elaos.services.models import Application, Service
    from elaos.services.views_backoffice import QUEUE_PAGE_SIZE

    count, clients = int(params["applications"]), int(params["clients"])
    tag = secrets.token_hex(4)
    service = Service.objects.get(code=SERVICE)
    definition = service.current_version.definition
    citizens = [_new_citizen(tag, i) for i in range(clients)]
    drafts: list[list[Any]] = [[] for _ in citizens]
    # Empty drafts, as "Apply" leaves them: the measured POST carries the whole form and its files.
    for i in range(count):
        drafts[i % clients].append(services.application_create(applicant=citizens[i % clients], service=service))
    office = drafts[0][0].office
    if any(d.office_id != office.pk for ds in drafts for d in ds):
        raise RuntimeError("the drafts were routed to different offices")
    officer = _new_officer(tag, office)
    closed = _close_leftovers(office, officer)
    if closed:
        _log(f"refused {closed} open applications left in {office.code} by earlier runs")
    officer_client, officer_session = _signed_in(officer, second_factor=True)
    queue_path = "/backoffice/services/queue/"
    counts: dict[str, Any] = {"queue_empty": _count(officer_client, "queue (no open application)", queue_path)}
    others = Application.objects.filter(office=office, workflow__is_terminal=False).exclude(state="draft").count()
    if others + count > QUEUE_PAGE_SIZE:
        _log(
            f"warning: {others} other open applications in {office.code}: with {count} more, some will be past "
            f"the queue's first page of {QUEUE_PAGE_SIZE} and never seen"
        )

    published = Service.objects.filter(current_version__isnull=False).select_related("current_version")
    warmup_citizen = _new_citizen(tag, clients)

    def sendable(definition: dict[str, Any]) -> bool:
        """Whether the made-up answers and files pass every check made when sending (the domain's own too), and
        the application would stay out of the measured office. Tried on a draft that is left unsent."""
        from django.core.exceptions import ValidationError

        trial = _filled_draft(warmup_citizen, published.get(code=definition["code"]))
        try:
            errors = services.submission_errors(trial)
            destination = None if errors else (services.routed_office(trial) or trial.office)
        except ValidationError as exc:
            errors = exc.message_dict
        if errors:
            _log(f"warm-up: {definition['code']} refuses the made-up answers ({', '.join(sorted(errors))})")
            return False
        return destination is None or destination.pk != office.pk

    warmup_code = warmup_service([s.current_version.definition for s in published], office.code, sendable)
    warmup_drafts: list[Any] = []
    warmup_definition: dict[str, Any] = {}
    if warmup_code is None:
        _log(f"no service outside {office.code} to warm up with: the first submissions will be cold")
    else:
        warmup = published.get(code=warmup_code)
        warmup_definition = warmup.current_version.definition
        warmup_drafts = [
            services.application_create(applicant=warmup_citizen, service=warmup)
            for _ in range(int(params.get("warmup", 0)))
        ]
        if any(d.office_id == office.pk for d in warmup_drafts):
            raise RuntimeError(f"{warmup_code} is routed to {office.code} too: its warm-up would enter the queue")

    # One submission through the test client, as the load generator sends it, for its query count; then refused
    # so that it leaves the queue to this run's applications.
    probe = services.application_create(applicant=citizens[0], service=service)
    citizen_client, _session = _signed_in(citizens[0])
    edit_path = f"/services/applications/{probe.public_id}/"
    counts["edit"] = _count(citizen_client, "edit page", edit_path)
    posted = {**form_values(definition), "action": "submit"}
    uploads = {f"{DOCUMENT_PREFIX}-{code}": upload for code, upload in _uploads(definition).items()}
    counts["submit"] = _count(
        citizen_client, "submit", edit_path, method="post", expect=302, data={**posted, **uploads}
    )
    counts["queue_one"] = _count(officer_client, "queue (one application)", queue_path)
    probe.refresh_from_db()
    services.application_act(actor=officer, application=probe, transition="reject", reason="Query count probe.")

    return {
        "officer": officer.email,
        "officer_session": officer_session,
        "office": office.code,
        "queue_path": queue_path,
        "form": form_values(definition),
        "documents": definition.get("documents", []),
        "warmup": {
            "service": warmup_code,
            "session": _signed_in(warmup_drafts[0].applicant)[1] if warmup_drafts else "",
            "form": form_values(warmup_definition) if warmup_drafts else {},
            "documents": warmup_definition.get("documents", []),
            "applications": [
                {"public_id": str(d.public_id), "path": f"/services/applications/{d.public_id}/"} for d in warmup_drafts
            ],
        },
        "clients": [
            {
                "session": _signed_in(citizen)[1],
                "applications": [
                    {
                        "public_id": str(d.public_id),
                        "reference": d.reference,
                        "path": f"/services/applications/{d.public_id}/",
                    }
                    for d in mine
                ],
            }
            for citizen, mine in zip(citizens, drafts, strict=True)
        ],
        "queries": {name: _summary(c) for name, c in counts.items()},
    }


def queue_queries(params: dict[str, Any]) -> dict[str, Any]:
    """The queries of the officer's queue as it is now (after the submissions): compared with one application,
    a count that grows with the rows is an N+1."""
    from elaos.accounts.models import User

    officer = User.objects.get(email=params["officer"])
    client, _session = _signed_in(officer, second_factor=True)
    counted = _count(client, "queue (after the run)", params["queue_path"])
    rows = counted["response"].content.count(b"/backoffice/services/applications/")
    return {"queue": _summary(counted), "rows": rows}


FIXTURES = {"citizen_pages": citizen_pages, "submissions": submissions, "queue_queries": queue_queries}


def main(argv: list[str]) -> int:
    name, params, out = argv[0], json.loads(argv[1]), Path(argv[2])
    import django

    django.setup()
    if params.pop("load_demo", False):
        from elaos.demo.data import load_demo

        started = time.perf_counter()
        created = load_demo()
        _log(f"demo data loaded in {time.perf_counter() - started:.1f} s: {created}")
    out.write_text(json.dumps(FIXTURES[name](params)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
