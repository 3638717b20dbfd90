"""Ownership scenarios of the domain apps: protection cases and referrals, the data exchange (consents, agency
systems and their Bearer API), the OpenID Provider's clients and the GovStack Registration API, safe migration
(migrant records, complaints, corrections, returnees, referrals, the agency register) and the Glass Accounts
publishing back office. Objects are made through each app's own services, once per test world.

Who may read what is decided here, route by route, and written next to the route; a persona not named in a
Case's `allowed` must be refused (404, or sign-in for visitors, or 401/403 from an API for agency systems)."""

import datetime
import re
import uuid
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from elaos.core.tests.security.conftest import other_ministry, security_npa
from elaos.core.tests.security.scenarios import TINY_PDF, Case, _once, applications

NOBODY: frozenset[str] = frozenset()


def _sms_code(phone: str) -> str:
    from elaos.notifications.models import Message

    message = Message.objects.filter(channel=Message.Channel.SMS, to=phone).first()
    assert message is not None, f"no SMS to {phone}"
    found = re.search(r"(?<!\d)\d{6}(?!\d)", message.body)
    assert found, message.body
    return found.group()


# --- protection ------------------------------------------------------------------------------------------------------

PROTECTION_STAFF = ("case_worker_a", "colleague_a", "supervisor_a", "case_worker_b")


def protection(world: Any) -> dict[str, Any]:
    """A case of office A assigned to case_worker_a, with a note; referrals from it to an association (with the
    person's consent) and to office B."""
    from elaos.protection import services
    from elaos.protection.models import ConsentGrant
    from elaos.protection.tests.conftest import FACTS, IDENTITY

    def make() -> dict[str, Any]:
        worker = world.user("case_worker_a")
        for persona in PROTECTION_STAFF:
            world.user(persona)
        npa = security_npa(world)
        case = services.case_open(
            actor=worker,
            organisation=world.office_a,
            facts=dict(FACTS),
            identity=dict(IDENTITY),
            consent_given=True,
            consent_method=ConsentGrant.Method.WRITTEN,
        )
        services.note_add(actor=worker, case=case, text="First interview.")
        method = ConsentGrant.Method.VERBAL
        services.consent_record(
            actor=worker, case=case, purpose="referral", method=method, recipient_npa=npa.registration_number
        )
        services.consent_record(
            actor=worker, case=case, purpose="referral", method=method, recipient_organisation=world.office_b
        )
        to_npa = services.referral_create(
            actor=worker, case=case, service="shelter", details="Needs a bed", to_npa=npa.registration_number
        )
        to_office = services.referral_create(
            actor=worker, case=case, service="shelter", details="Needs a bed", to_organisation=world.office_b
        )
        return {"case": case, "to_npa": to_npa, "to_office": to_office}

    return _once(world, "protection", make)


def _protection_case(key: str) -> Any:
    # The assigned case worker and the office's supervisor; not a colleague without the case, not office B, not
    # the office's reviewer nor the ministry's administrator (they hold no case role).
    def build(world: Any) -> list[Case]:
        case = protection(world)["case"]
        return [
            Case(
                "office A's case",
                {key: case.public_id},
                frozenset({"case_worker_a", "supervisor_a"}),
                also=PROTECTION_STAFF,
            )
        ]

    return build


def _protection_referrals(world: Any) -> list[Case]:
    made = protection(world)
    also = (*PROTECTION_STAFF, "npa_member")
    return [
        # The association's members see the referral (never the case); the sender reads the case, not this page.
        Case("to the association", {"referral": made["to_npa"].public_id}, frozenset({"npa_member"}), also=also),
        # Case staff of the receiving office; office B's reviewer holds no case role.
        Case("to office B", {"referral": made["to_office"].public_id}, frozenset({"case_worker_b"}), also=also),
    ]


# --- exchange --------------------------------------------------------------------------------------------------------

DATASETS = ["npa.read", "migration.licence.check", "person.address.read", "services.application.status"]


def exchange(world: Any) -> dict[str, Any]:
    """Each ministry registers a system with every dataset (system_a: the ministry's, system_other: the other
    ministry's, both with Bearer tokens); alice gives the ministry consent, bob the other ministry; a delivery
    of each system's webhook."""
    from elaos.exchange import services
    from elaos.exchange.models import WebhookDelivery, WebhookSubscription
    from elaos.exchange.tests.conftest import bearer

    def make() -> dict[str, Any]:
        other = other_ministry(world)
        clients, consents, deliveries = {}, {}, {}
        for persona, agency, admin in (
            ("system_a", world.ministry, world.user("agency_admin")),
            ("system_other", other, world.user("other_agency_admin")),
        ):
            client = services.agency_client_register(
                actor=admin, organisation=agency, name="Claims", scopes=DATASETS, rate_limit_per_minute=10_000
            ).client
            world.bearer_tokens[persona] = bearer(client, DATASETS)
            subscription = WebhookSubscription.objects.create(
                client=client, url="https://hooks.example.la/in", event_types=["consent.revoked"], secret="whsec_x"
            )
            deliveries[persona] = WebhookDelivery.objects.create(
                public_id=uuid.uuid4(),
                subscription=subscription,
                event_type="consent.revoked",
                payload={},
                status=WebhookDelivery.Status.DELIVERED,
            )
            clients[persona] = client
        for person, agency in (("alice", world.ministry), ("bob", other)):
            user = world.users[person]
            grant = services.consent_grant_start(
                actor=user,
                organisation=agency,
                datasets=["person.address.read", "services.application.status"],
                purpose="service_delivery",
                valid_until=timezone.localdate() + datetime.timedelta(days=30),
                channel="sms",
            )
            consents[person] = services.consent_grant_confirm(actor=user, grant=grant, code=_sms_code(user.phone))
        return {"clients": clients, "consents": consents, "deliveries": deliveries}

    return _once(world, "exchange", make)


def _consent(body: dict[str, Any] | None = None) -> Any:
    def build(world: Any) -> list[Case]:
        consents = exchange(world)["consents"]
        return [
            Case(f"{p}'s consent", {"public_id": consents[p].public_id}, frozenset({p}), body=body)
            for p in ("alice", "bob")
        ]

    return build


EXCHANGE_ADMINS = ("other_agency_admin",)


def _exchange_client(world: Any) -> list[Case]:
    # An agency's systems are managed by that agency's office administrators only.
    clients = exchange(world)["clients"]
    return [
        Case(
            "ministry's system",
            {"public_id": clients["system_a"].public_id},
            frozenset({"agency_admin"}),
            also=EXCHANGE_ADMINS,
        ),
        Case(
            "other ministry's system",
            {"public_id": clients["system_other"].public_id},
            frozenset({"other_agency_admin"}),
            also=EXCHANGE_ADMINS,
        ),
    ]


def _exchange_delivery_retry(world: Any) -> list[Case]:
    made = exchange(world)
    cases = []
    for persona, admin in (("system_a", "agency_admin"), ("system_other", "other_agency_admin")):
        kwargs = {"public_id": made["clients"][persona].public_id, "delivery_id": made["deliveries"][persona].public_id}
        cases.append(Case(f"{persona}'s delivery", kwargs, frozenset({admin}), also=EXCHANGE_ADMINS, post=True))
    # A delivery of the other agency's system under this agency's system: no mixing of the two.
    crossed = {
        "public_id": made["clients"]["system_a"].public_id,
        "delivery_id": made["deliveries"]["system_other"].public_id,
    }
    cases.append(Case("the other system's delivery", crossed, NOBODY, also=EXCHANGE_ADMINS, post=True))
    return cases


SYSTEMS = ("system_a", "system_other")


def _exchange_person(world: Any) -> list[Case]:
    # A system reads a person's data only with that person's consent to its agency; people's sessions are no
    # credential here (401).
    exchange(world)
    alice, bob = world.users["alice"].public_id, world.users["bob"].public_id
    return [
        Case("alice (consented to the ministry)", {"person": alice}, frozenset({"system_a"}), also=SYSTEMS),
        Case("bob (consented to the other ministry)", {"person": bob}, frozenset({"system_other"}), also=SYSTEMS),
    ]


def _exchange_register(kwargs: Any) -> Any:
    # Public registers, but through this API only for agency systems holding the scope.
    def build(world: Any) -> list[Case]:
        exchange(world)
        return [Case("register entry", kwargs(world), frozenset(SYSTEMS), also=SYSTEMS)]

    return build


# --- oidc and GovStack -----------------------------------------------------------------------------------------------


def oidc_client(world: Any) -> Any:
    from elaos.oidc import services

    def make() -> Any:
        client, _secret = services.agency_client_register(
            actor=world.user("identity_admin"),
            organisation=world.ministry,
            name_lo="ລະບົບ",
            name_en="Sign-in system",
            redirect_uris=["https://app.example.la/callback"],
            post_logout_redirect_uris=[],
            allowed_scopes=["openid"],
        )
        return client

    return _once(world, "oidc_client", make)


def _oidc(post: bool) -> Any:
    # Sign-in clients are registered by identity administrators (a platform role: any of them manages every
    # client); an agency's own office administrator is not one.
    def build(world: Any) -> list[Case]:
        client = oidc_client(world)
        body = {"reason": "Switched off"}
        return [
            Case(
                "ministry's sign-in client",
                {"public_id": client.public_id},
                frozenset({"identity_admin"}),
                body=body,
                also=("identity_admin",),
                post=post,
            )
        ]

    return build


# --- migration -------------------------------------------------------------------------------------------------------

MIGRATION_STAFF = ("migration_officer_a", "migration_officer_b", "registrar", "npa_member")


def migration(world: Any) -> dict[str, Any]:
    """alice registered with office A, bob with office B (themselves); alice's correction request and complaint
    (with an evidence file, handled by office A); an anonymous complaint; a returnee of office A referred to
    office B and to an association; a licensed recruitment agency."""
    from elaos.migration import services
    from elaos.migration.tests.conftest import migrant_fields

    def make() -> dict[str, Any]:
        for persona in MIGRATION_STAFF:
            world.user(persona)
        agency = services.agency_license(
            actor=None,
            name_lo="ບໍລິສັດ ຈັດຫາງານ",
            name_en="Security Recruitment",
            enterprise_registration_number="ENT-SEC-1",
            licence_number="RA-2025-0901",
            licensed_on=timezone.localdate() - datetime.timedelta(days=100),
        )
        records = {}
        for persona, office in (("alice", world.office_a), ("bob", world.office_b)):
            user = world.users[persona]
            records[persona] = services.migrant_register(
                actor=user, person=user, office=office, consent=True, **migrant_fields(agency)
            )
        alice = world.users["alice"]
        correction = services.correction_request_create(actor=alice, migrant=records["alice"], details="Wrong wage")
        complaint, _code = services.complaint_file(
            actor=alice,
            complainant_kind="migrant",
            against="agency",
            agency=agency,
            category="excess_fees",
            description="They took three months of wages.",
            migrant=records["alice"],
            files=[SimpleUploadedFile("receipt.pdf", TINY_PDF, content_type="application/pdf")],
        )
        from django.contrib.auth.models import AnonymousUser

        anonymous_complaint, _code = services.complaint_file(
            actor=AnonymousUser(),
            complainant_kind="family",
            anonymous=True,
            against="employer",
            employer_name="Some Farm",
            category="unpaid_wages",
            description="No wages for two months.",
        )
        officer = world.user("migration_officer_a")
        from elaos.core.models import Province

        returnee = services.returnee_register(
            actor=officer,
            office=world.office_a,
            consent=True,
            full_name="ນາງ ແສງ",
            sex="female",
            birth_year=1995,
            home_province=Province.objects.get(code="01"),
            registered_at="border",
            border_point="Friendship Bridge",
            returned_on=timezone.localdate(),
            returned_from="TH",
            travel_document="yellow_card",
            needs=["skills"],
        )
        to_office = services.referral_create(actor=officer, returnee=returnee, need="jobs", to_office=world.office_b)
        to_npa = services.referral_create(
            actor=officer, returnee=returnee, need="psychosocial", to_npa=security_npa(world)
        )
        return {
            "agency": agency,
            "records": records,
            "correction": correction,
            "complaint": complaint,
            "evidence": complaint.evidence.active().get(),
            "anonymous_complaint": anonymous_complaint,
            "returnee": returnee,
            "to_office": to_office,
            "to_npa": to_npa,
        }

    return _once(world, "migration", make)


def _record_readers(persona: str) -> set[str]:
    # The migrant, and the migration officers of the record's office: not a reviewer of the same office, not the
    # ministry's administrator, not the other office's migration officer, not the registrar.
    return {persona, "migration_officer_a" if persona == "alice" else "migration_officer_b"}


def _migrant(key: str, readers: Any, post: bool = False) -> Any:
    def build(world: Any) -> list[Case]:
        records = migration(world)["records"]
        return [
            Case(f"{p}'s record", {key: records[p].public_id}, frozenset(readers(p)), also=MIGRATION_STAFF, post=post)
            for p in ("alice", "bob")
        ]

    return build


def _migration_one(kwargs: Any, allowed: frozenset[str], post: bool = False, body: dict[str, Any] | None = None) -> Any:
    def build(world: Any) -> list[Case]:
        return [Case("", kwargs(migration(world)), allowed, also=MIGRATION_STAFF, post=post, body=body)]

    return build


def _migration_referrals(world: Any) -> list[Case]:
    made = migration(world)
    return [
        # Staff of the receiving office (any role: the office answers it), not the sending office.
        Case(
            "to office B",
            {"public_id": made["to_office"].public_id},
            frozenset({"officer_b", "migration_officer_b"}),
            also=MIGRATION_STAFF,
        ),
        Case(
            "to the association",
            {"public_id": made["to_npa"].public_id},
            frozenset({"npa_member"}),
            also=MIGRATION_STAFF,
        ),
    ]


def _complaint_filed(world: Any) -> list[Case]:
    made = migration(world)
    return [
        # The receipt page after filing: the complainant; an anonymous complaint only in the session that filed it.
        Case(
            "alice's complaint", {"reference": made["complaint"].reference}, frozenset({"alice"}), also=MIGRATION_STAFF
        ),
        Case(
            "an anonymous complaint", {"reference": made["anonymous_complaint"].reference}, NOBODY, also=MIGRATION_STAFF
        ),
    ]


# --- budget publishing ---------------------------------------------------------------------------------------------

BUDGET_ALSO = ("other_agency_admin",)
MINISTRY_PUBLISHERS = frozenset({"officer_a", "officer_b", "agency_admin"})
CSV_HEADER = (
    b"reference,date,agency,payee_name_lo,payee_name_en,payee_kind,payee_registration_number,purpose_lo,purpose_en,"
    b"amount,budget_code,contract_id\n"
)


def budget(world: Any) -> dict[str, Any]:
    """A publication (batch) of the ministry, uploaded by officer_a, one of office A, and one of the other
    ministry; alice's and bob's alert subscriptions; a dismissed red flag."""
    from elaos.budget import services
    from elaos.budget.alerts import alert_subscription_create
    from elaos.budget.models import InformationType, RedFlag
    from elaos.budget.reference import reference_data_ensure

    def make() -> dict[str, Any]:
        reference_data_ensure()
        services.fiscal_year_ensure(2025)
        info = InformationType.objects.get(code="transactions")
        batches = {}
        for name, agency, actor in (
            ("ministry", world.ministry, world.users["officer_a"]),
            ("office_a", world.office_a, world.users["officer_a"]),
            ("other", other_ministry(world), world.user("other_agency_admin")),
        ):
            batches[name] = services.batch_create(
                actor=actor,
                agency=agency,
                information_type=info,
                content=CSV_HEADER,
                filename="upload.csv",
                fiscal_year=2025,
                validate=False,
            )
        alerts = {
            p: alert_subscription_create(actor=world.users[p], kind="keyword", channel="sms", keyword="rice")
            for p in ("alice", "bob")
        }
        dismissed = RedFlag.objects.create(
            kind=RedFlag.Kind.NO_CONTRACT,
            agency=world.ministry,
            fiscal_year_id=2025,
            status=RedFlag.Status.DISMISSED,
            title_en="Dismissed after review",
            detected_at=timezone.now(),
        )
        return {"batches": batches, "alerts": alerts, "dismissed": dismissed}

    return _once(world, "budget", make)


def _publish_agency(extra: dict[str, Any] | None = None) -> Any:
    # Staff with a role in the agency's tree publish for it: the ministry's staff and its offices' for the
    # ministry, office A's for office A (not the ministry's administrator, not office B), nobody else's.
    def build(world: Any) -> list[Case]:
        budget(world)
        return [
            Case("ministry", {"code": world.ministry.code, **(extra or {})}, MINISTRY_PUBLISHERS, also=BUDGET_ALSO),
            Case(
                "office A", {"code": world.office_a.code, **(extra or {})}, frozenset({"officer_a"}), also=BUDGET_ALSO
            ),
            Case(
                "another ministry",
                {"code": other_ministry(world).code, **(extra or {})},
                frozenset({"other_agency_admin"}),
                also=BUDGET_ALSO,
            ),
        ]

    return build


def _publish_batch(post: bool) -> Any:
    def build(world: Any) -> list[Case]:
        batches = budget(world)["batches"]
        body = {"mode": "keep_good"}
        return [
            Case(
                "ministry's batch",
                {"public_id": batches["ministry"].public_id},
                MINISTRY_PUBLISHERS,
                also=BUDGET_ALSO,
                post=post,
                body=body,
            ),
            Case(
                "office A's batch",
                {"public_id": batches["office_a"].public_id},
                frozenset({"officer_a"}),
                also=BUDGET_ALSO,
                post=post,
                body=body,
            ),
            Case(
                "another ministry's batch",
                {"public_id": batches["other"].public_id},
                frozenset({"other_agency_admin"}),
                also=BUDGET_ALSO,
                post=post,
                body=body,
            ),
        ]

    return build


def _alert_cancel(world: Any) -> list[Case]:
    alerts = budget(world)["alerts"]
    return [
        Case(f"{p}'s alert", {"public_id": alerts[p].public_id}, frozenset({p}), post=True) for p in ("alice", "bob")
    ]


def _dismissed_flag(world: Any) -> list[Case]:
    # Red flags are public; one dismissed after review is withdrawn from the portal, for everyone.
    return [Case("dismissed flag", {"public_id": budget(world)["dismissed"].public_id}, NOBODY)]


def _govstack_application(world: Any) -> list[Case]:
    made = applications(world)
    return [Case(f"{p}'s", {"fileId": made[p]["sent"].public_id}, frozenset({p})) for p in ("alice", "bob")]


DOMAIN_SCENARIOS: dict[str, Any] = {
    # Protection: case pages and API, referral pages.
    "protection:case_detail": _protection_case("case"),
    "GET /api/v1/migration/cases/{case_id}": _protection_case("case_id"),
    "GET /api/v1/migration/cases/{case_id}/notes": _protection_case("case_id"),
    "protection:referral_detail": _protection_referrals,
    # Exchange: a citizen's consents (pages and API), an agency's systems, the agency API.
    "exchange:consent_detail": _consent(),
    "exchange:consent_receipt": _consent(),
    "GET /api/v1/consents/{public_id}": _consent(),
    "GET /api/v1/consents/{public_id}/receipt": _consent(),
    "POST /api/v1/consents/{public_id}/confirm": _consent({"code": "000000"}),
    "POST /api/v1/consents/{public_id}/resend": _consent({"channel": "sms"}),
    "POST /api/v1/consents/{public_id}/approve": _consent({"channel": "sms"}),
    "POST /api/v1/consents/{public_id}/decline": _consent(),
    "POST /api/v1/consents/{public_id}/revoke": _consent(),
    "exchange:client_detail": _exchange_client,
    "exchange:delivery_log": _exchange_client,
    "exchange:delivery_retry": _exchange_delivery_retry,
    "GET /api/v1/exchange/persons/{person}/address": _exchange_person,
    "GET /api/v1/exchange/persons/{person}/applications": _exchange_person,
    "GET /api/v1/exchange/npas/{registration_number}": _exchange_register(
        lambda w: {"registration_number": security_npa(w).registration_number}
    ),
    "GET /api/v1/exchange/recruitment-licences/{licence_number}": _exchange_register(
        lambda w: {"licence_number": migration(w)["agency"].licence_number}
    ),
    # The OpenID Provider's clients; the GovStack Registration API's applications (the caller's own).
    "oidc:client_detail": _oidc(post=False),
    "oidc:client_archive": _oidc(post=True),
    "oidc:client_secret_reset": _oidc(post=True),
    "GET /govstack/registration/applications/{fileId}": _govstack_application,
    # Safe migration: the migrant's own pages, the offices' back office, referrals, the register's staff pages.
    "migration:my_record": _migrant("public_id", lambda p: {p}),
    "migration:my_card": _migrant("public_id", lambda p: {p}, post=True),
    "GET /api/v1/migration/migrants/{public_id}": _migrant("public_id", _record_readers),
    "migration:bo_migrant": _migrant("public_id", lambda p: _record_readers(p) - {p}),
    "migration:bo_migrant_edit": _migrant("public_id", lambda p: _record_readers(p) - {p}),
    "migration:bo_migrant_card": _migrant("public_id", lambda p: _record_readers(p) - {p}, post=True),
    "migration:bo_correction": _migration_one(
        lambda m: {"public_id": m["correction"].public_id}, frozenset({"migration_officer_a"})
    ),
    "migration:my_complaint": _migration_one(lambda m: {"public_id": m["complaint"].public_id}, frozenset({"alice"})),
    "migration:complaint_filed": _complaint_filed,
    "migration:bo_complaint": _migration_one(
        lambda m: {"public_id": m["complaint"].public_id}, frozenset({"migration_officer_a"})
    ),
    "migration:bo_evidence": _migration_one(
        lambda m: {"public_id": m["complaint"].public_id, "evidence_id": m["evidence"].public_id},
        frozenset({"migration_officer_a"}),
    ),
    "migration:bo_returnee": _migration_one(
        lambda m: {"public_id": m["returnee"].public_id}, frozenset({"migration_officer_a"})
    ),
    "migration:referral_detail": _migration_referrals,
    # The agency register and the safe-migration pages are kept by the licensing ministry's migration staff.
    "migration:bo_agency_status": _migration_one(
        lambda m: {"licence_number": m["agency"].licence_number}, frozenset({"registrar"})
    ),
    "migration:bo_info_page_edit": _migration_one(lambda m: {"country": "TH"}, frozenset({"registrar"})),
    # Glass Accounts: the publishing back office, a citizen's alerts, a withdrawn red flag.
    "budget:publish_agency": _publish_agency(),
    "budget:publish_template": _publish_agency({"info_code": "transactions", "fmt": "csv"}),
    "budget:publish_batch": _publish_batch(post=False),
    "budget:publish_batch_publish": _publish_batch(post=True),
    "budget:alert_cancel": _alert_cancel,
    "budget:flag": _dismissed_flag,
}
