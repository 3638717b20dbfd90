"""Personas of the exchange: the Lao Social Security Organisation (the agency), its claims system (a machine client)
and its administrator (dana); the citizen from the root conftest, who gives or refuses consent."""

import datetime
import http.server
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.test import override_settings
from django.utils import timezone
from oauth2_provider.models import AccessToken

from conftest import OrganisationFactory, StaffFactory, staff_with_role
from elaos.accounts.models import User
from elaos.agencies.models import Organisation
from elaos.exchange import services
from elaos.exchange.models import AgencyClient, ConsentGrant

ALL_DATASETS = ["npa.read", "person.address.read", "services.application.status"]


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Rate-limit counters live in the cache; each test starts from zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def lsso(db: None) -> Organisation:
    return OrganisationFactory(code="lsso", name_lo="ອົງການປະກັນສັງຄົມແຫ່ງຊາດ", name_en="Lao Social Security Organisation")


@pytest.fixture
def other_agency(db: None) -> Organisation:
    return OrganisationFactory(code="mof", name_lo="ກະຊວງການເງິນ", name_en="Ministry of Finance")


@pytest.fixture
def root(db: None) -> User:
    return StaffFactory(email="root@gov.la", is_superuser=True)


@pytest.fixture
def dana(lsso: Organisation) -> User:
    """Office administrator of the social security organisation: manages its systems."""
    return staff_with_role("office_admin", lsso, email="dana@gov.la", given_name_latin="Dana")


def register(actor: User, organisation: Organisation, scopes: list[str], rate: int = 60) -> AgencyClient:
    return services.agency_client_register(
        actor=actor, organisation=organisation, name="Claims system", scopes=scopes, rate_limit_per_minute=rate
    ).client


@pytest.fixture
def claims_system(root: User, lsso: Organisation) -> AgencyClient:
    return register(root, lsso, ALL_DATASETS)


def bearer(client: AgencyClient, scopes: list[str], *, expires_in: int = 3600) -> str:
    """An access token as the client-credentials grant issues it: for the application, with no user."""
    token = secrets.token_urlsafe(30)
    AccessToken.objects.create(
        application=client.application,
        token=token,
        scope=" ".join(scopes),
        expires=timezone.now() + datetime.timedelta(seconds=expires_in),
    )
    return token


@pytest.fixture
def token(claims_system: AgencyClient) -> str:
    return bearer(claims_system, ALL_DATASETS)


def agency_get(api_client, path: str, token: str, purpose: str | None = "service_delivery", **params):  # type: ignore[no-untyped-def]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if purpose is not None:
        headers["HTTP_X_PURPOSE"] = purpose
    return api_client.get(f"/api/v1{path}", params, **headers)


def give_consent(
    person: User,
    organisation: Organisation,
    sms_code,  # type: ignore[no-untyped-def]
    *,
    datasets: list[str] | None = None,
    purpose: str = "service_delivery",
    days: int = 30,
) -> ConsentGrant:
    """The real flow: start, read the code from the SMS outbox, confirm."""
    grant = services.consent_grant_start(
        actor=person,
        organisation=organisation,
        datasets=datasets or ["person.address.read"],
        purpose=purpose,
        valid_until=timezone.localdate() + datetime.timedelta(days=days),
        channel="sms",
    )
    return services.consent_grant_confirm(actor=person, grant=grant, code=sms_code(person.phone))


@dataclass
class Receiver:
    """A real HTTP server on 127.0.0.1 standing for an agency's webhook endpoint. It records each request and
    answers with the statuses it is given in order (the last repeats); a status of 0 means "hang" (a timeout)."""

    answers: list[int] = field(default_factory=lambda: [204])
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""

    def answer(self, *statuses: int) -> None:
        self.answers = list(statuses)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            state.requests.append((dict(self.headers.items()), body))
            status = state.answers.pop(0) if len(state.answers) > 1 else state.answers[0]
            if status == 0:
                time.sleep(1.5)
                status = 204
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_port}/hooks"
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        with override_settings(
            EXCHANGE_WEBHOOK_ALLOW_HTTP=True, EXCHANGE_WEBHOOK_BACKOFF_SECONDS=0, EXCHANGE_WEBHOOK_TIMEOUT_SECONDS=0.5
        ):
            yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def moha_registered_npa(db: None):  # type: ignore[no-untyped-def]
    from elaos.civil_society.services import npa_create

    return npa_create(
        actor=None,
        name_lo="ສະມາຄົມ ຊ່ວຍເຫຼືອ ແມ່ ແລະ ເດັກ",
        name_en="Mother and Child Aid",
        type="social_welfare",
        level="national",
    )
