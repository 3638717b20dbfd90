"""Who owns what: for each object route, the objects of each persona, made through the apps' own services, and who
may read each one. Every other persona must get a 404 (anonymous visitors may instead be sent to sign in).

A route with no scenario here must be listed in registry.py (public, capability link, or uncovered)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import OrganisationFactory, certificate_service_definition, staff_with_role

TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass(frozen=True)
class Case:
    label: str
    kwargs: dict[str, Any]
    allowed: frozenset[str]  # personas that may read it (200); everyone else is refused
    body: dict[str, Any] | None = None  # JSON for API writes, form data for HTML posts
    extra: dict[str, Any] = field(default_factory=dict)
    also: tuple[str, ...] = ()  # personas asked besides conftest.PERSONAS (conftest.EXTRA_PERSONAS, bearer tokens)
    post: bool = False  # an HTML page that only takes POST: it is posted to (allowed posts are not checked)


def _once(world: Any, name: str, make: Callable[[], Any]) -> Any:
    made = world.__dict__.setdefault("made", {})
    if name not in made:
        made[name] = make()
    return made[name]


# The objects, made once per test world.


def certificate_service(world: Any) -> Any:
    from elaos.services.services import service_import

    def make() -> Any:
        definition = certificate_service_definition(
            agency=world.ministry.code, offices=[world.office_a.code], code="security-certificate"
        )
        return service_import(actor=None, definition=definition).service

    return _once(world, "service", make)


def applications(world: Any) -> dict[str, Any]:
    """Per citizen: a draft and a submitted application with one uploaded file, both routed to office A."""
    from elaos.services import services

    def make() -> dict[str, Any]:
        service = certificate_service(world)
        result = {}
        for persona in ("alice", "bob"):
            user = world.users[persona]
            draft = services.application_create(applicant=user, service=service)
            services.application_save_draft(actor=user, application=draft, data={"purpose": "job"})
            sent = services.application_create(applicant=user, service=service)
            services.application_save_draft(actor=user, application=sent, data={"purpose": "bank"})
            stored = services.application_upload(
                actor=user,
                application=sent,
                requirement="id_card",
                upload=SimpleUploadedFile("id.pdf", TINY_PDF, content_type="application/pdf"),
            )
            services.application_submit(actor=user, application=sent)
            result[persona] = {"draft": draft, "sent": sent, "file": stored}
        return result

    return _once(world, "applications", make)


def payments(world: Any) -> dict[str, Any]:
    """Per citizen: a payment to the ministry, paid through the bank's signed callback."""
    from elaos.payments import services
    from elaos.payments.tests.conftest import pay

    def make() -> dict[str, Any]:
        result = {}
        for persona in ("alice", "bob"):
            user = world.users[persona]
            payment = services.payment_create(
                actor=user,
                payer=user,
                agency=world.ministry,
                amount_kip=25_000,
                purpose_lo="ຄ່າທຳນຽມ",
                purpose_en="Fee",
                subject_type="tests.security",
                subject_id=persona,
            )
            pay(payment, transaction_id=f"BCEL-{persona}")
            payment.refresh_from_db()
            result[persona] = payment
        return result

    return _once(world, "payments", make)


def documents(world: Any) -> dict[str, Any]:
    """Per citizen: a certificate issued by office A."""
    from elaos.documents.services import document_issue

    def make() -> dict[str, Any]:
        return {
            persona: document_issue(
                actor=world.users["officer_a"],
                holder=world.users[persona],
                issuer=world.office_a,
                type_code="residence-certificate",
                title_lo="ໃບຢັ້ງຢືນ",
                title_en="Certificate",
                subject_type="tests.security",
                subject_id=persona,
            )
            for persona in ("alice", "bob")
        }

    return _once(world, "documents", make)


def npas(world: Any) -> dict[str, Any]:
    """Per citizen: an association they administer online."""
    from elaos.civil_society.models import Npa
    from elaos.civil_society.services import OfficerIn, npa_create, npa_membership_grant
    from elaos.core.models import Province

    def make() -> dict[str, Any]:
        result = {}
        for n, persona in enumerate(("alice", "bob")):
            npa = npa_create(
                actor=None,
                name_lo=f"ສະມາຄົມ {persona}",
                name_en=f"Association of {persona}",
                type=Npa.Type.SOCIAL_WELFARE,
                level=Npa.Level.NATIONAL,
                province=Province.objects.get(code="01"),
                officers=[OfficerIn(name_lo="ບຸນທະວີ", name_latin=f"Officer {n}", role="president")],
            )
            npa_membership_grant(actor=None, npa=npa, user=world.users[persona], role="npa_admin")
            result[persona] = npa
        return result

    return _once(world, "npas", make)


def consultation_draft(world: Any, *, opened: bool = False) -> Any:
    """The ministry's draft decree, not yet open for comments; or another one, open since yesterday."""
    from elaos.consultation import services
    from elaos.consultation.models import Draft
    from elaos.consultation.services import ArticleData

    def make() -> Any:
        draft = services.draft_create(
            actor=world.users["agency_admin"],
            agency=world.ministry,
            kind=Draft.Kind.DECREE,
            slug="security-open-decree" if opened else "security-decree",
            title_lo="ຮ່າງດຳລັດ",
            title_en="Draft decree",
            summary_lo="ສະຫຼຸບ",
            articles=[ArticleData(1, "ຈຸດປະສົງ", "ຂໍ້ຄວາມ.", "Purpose", "Text.")],
        )
        if opened:
            services.consultation_open(
                actor=world.users["agency_admin"],
                version=draft.versions.get(),
                opens_at=timezone.now() - datetime.timedelta(days=1),
            )
        return draft

    return _once(world, f"consultation_draft_{opened}", make)


def coordination(world: Any) -> dict[str, Any]:
    """A sector group whose focal office is office A, with a meeting and a work-plan item; an annual meeting with a
    commitment, managed by the convener (none of the personas)."""
    from elaos.agencies.models import Organisation, Sector
    from elaos.coordination import services
    from elaos.coordination.access import ANNUAL_MEETING_CONVENER

    def make() -> dict[str, Any]:
        moha = Organisation.objects.filter(code=ANNUAL_MEETING_CONVENER).first() or OrganisationFactory(
            code=ANNUAL_MEETING_CONVENER
        )
        convener = staff_with_role("office_admin", moha, email="convener@gov.la")
        sector = Sector.objects.create(
            code="security-sector", name_lo="ຂະແໜງ", name_en="Sector", line_ministry=world.ministry
        )
        group = services.sector_group_create(
            actor=convener, sector=sector, focal_office=world.office_a, name_lo="ກຸ່ມ", name_en="Group"
        )
        officer = world.users["officer_a"]
        meeting = services.group_meeting_add(
            actor=officer, group=group, date=timezone.localdate(), place="ວຽງຈັນ", agenda_lo="ວາລະ"
        )
        item = services.work_plan_item_add(actor=officer, group=group, title_lo="ວຽກ", owner_name="Office A")
        date = timezone.localdate() + datetime.timedelta(days=30)
        annual = services.annual_meeting_create(
            actor=convener, year=date.year, date=date, place="ວຽງຈັນ", title_lo="ກອງປະຊຸມ", title_en="Meeting"
        )
        commitment = services.commitment_add(actor=convener, meeting=annual, title_lo="ຄຳໝັ້ນ", owner_name="Office A")
        return {"group": group, "meeting": meeting, "item": item, "annual": annual, "commitment": commitment}

    return _once(world, "coordination", make)


# The scenarios, by route key.

ALICE = frozenset({"alice"})
NOBODY: frozenset[str] = frozenset()


def _per_citizen(objects: Callable[[Any], dict[str, Any]], kwargs: Callable[[Any], dict[str, Any]], allowed: Any):  # type: ignore[no-untyped-def]
    """One case per citizen's object; `allowed(persona)` names who may read that citizen's object."""

    def build(world: Any) -> list[Case]:
        made = objects(world)
        return [Case(f"{p}'s", kwargs(made[p]), frozenset(allowed(p))) for p in ("alice", "bob")]

    return build


def _own(persona: str) -> set[str]:
    return {persona}


def _app(kind: str) -> Callable[[Any], dict[str, Any]]:
    return lambda made: {"public_id": made[kind].public_id}


def _file(made: dict[str, Any]) -> dict[str, Any]:
    return {"public_id": made["sent"].public_id, "file_id": made["file"].public_id}


def _backoffice(persona: str) -> set[str]:
    # Routed to office A: its reviewer handles it; the reviewer of office B and the ministry's administrator do not.
    return {"officer_a"}


def _document_readers(persona: str) -> set[str]:
    # The holder, and staff of the issuing office or of an organisation above it.
    return {persona, "officer_a", "agency_admin"}


def _consultation(world: Any) -> list[Case]:
    return [Case("unopened draft", {"slug": consultation_draft(world).slug}, frozenset({"agency_admin"}))]


def _consultation_opened(world: Any) -> list[Case]:
    return [
        Case("open consultation", {"slug": consultation_draft(world, opened=True).slug}, frozenset({"agency_admin"}))
    ]


def _consultation_public(world: Any) -> list[Case]:
    # Before it opens, a draft is nobody's public page, not even its agency's.
    return [Case("unopened draft", {"slug": consultation_draft(world).slug}, NOBODY)]


def _npa(kwargs: Callable[[Any], dict[str, Any]]) -> Callable[[Any], list[Case]]:
    return _per_citizen(npas, kwargs, _own)


def _coordination(kwargs: Callable[[dict[str, Any]], dict[str, Any]], allowed: frozenset[str]):  # type: ignore[no-untyped-def]
    return lambda world: [Case("", kwargs(coordination(world)), allowed)]


SCENARIOS: dict[str, Callable[[Any], list[Case]]] = {
    # Citizens' applications, HTML and API.
    "services:application_edit": _per_citizen(applications, _app("draft"), _own),
    "services:application_status": _per_citizen(applications, _app("sent"), _own),
    "services:application_file": _per_citizen(applications, _file, _own),
    "GET /api/v1/applications/{public_id}": _per_citizen(applications, _app("sent"), _own),
    "PATCH /api/v1/applications/{public_id}": _per_citizen(applications, _app("draft"), _own),
    "POST /api/v1/applications/{public_id}/submit": _per_citizen(applications, _app("draft"), _own),
    "GET /api/v1/applications/{public_id}/documents": _per_citizen(applications, _app("sent"), _own),
    # The same applications in the back office.
    "services_bo:bo_application": _per_citizen(applications, _app("sent"), _backoffice),
    "services_bo:bo_application_file": _per_citizen(applications, _file, _backoffice),
    "services_bo:definition_edit": lambda world: [
        Case("ministry's service", {"code": certificate_service(world).code}, frozenset({"agency_admin"}))
    ],
    # Payments and issued documents.
    "payments:detail": _per_citizen(payments, lambda p: {"public_id": p.public_id}, _own),
    "payments:receipt": _per_citizen(payments, lambda p: {"public_id": p.public_id}, _own),
    "GET /api/v1/payments/{public_id}": _per_citizen(payments, lambda p: {"public_id": p.public_id}, _own),
    # The bank simulator is off unless PAYMENTS_SIMULATOR=1: then nobody reaches it.
    "payments:simulator": _per_citizen(payments, lambda p: {"reference": p.reference}, lambda p: set()),
    "documents:download": _per_citizen(documents, lambda d: {"public_id": d.public_id}, _document_readers),
    # Associations' own pages, for their administrators.
    "npas:annual_report": _npa(lambda n: {"registration_number": n.registration_number, "year": timezone.now().year}),
    "npas:project_new": _npa(lambda n: {"registration_number": n.registration_number}),
    # The register's status changes are for the registrar (Department of Associations), none of the personas.
    "npas:status_change": _per_citizen(
        npas, lambda n: {"registration_number": n.registration_number, "action": "suspend"}, lambda p: set()
    ),
    # Consultations: the agency's back office, and public pages that must not show an unopened draft.
    "consultation:manage_draft": _consultation,
    "consultation:manage_moderate": _consultation_opened,
    "consultation:manage_responses": _consultation_opened,
    "consultation:manage_version_new": _consultation,
    "consultation:detail": _consultation_public,
    "consultation:diff": _consultation_public,
    "consultation:comments_csv": _consultation_public,
    "consultation:comments_json": _consultation_public,
    "GET /api/v1/consultations/{slug}": _consultation_public,
    "GET /api/v1/consultations/{slug}/comments": _consultation_public,
    # Coordination: a sector group is managed by its focal office, the annual meeting by the convener.
    "coordination:group_manage": _coordination(lambda c: {"sector": c["group"].sector.code}, frozenset({"officer_a"})),
    "coordination:group_meeting_minutes": _coordination(
        lambda c: {"sector": c["group"].sector.code, "meeting": c["meeting"].public_id}, frozenset({"officer_a"})
    ),
    "coordination:work_plan_item_edit": _coordination(
        lambda c: {"sector": c["group"].sector.code, "item": c["item"].public_id}, frozenset({"officer_a"})
    ),
    "coordination:meeting_manage": _coordination(lambda c: {"year": c["annual"].year}, NOBODY),
    "coordination:commitment_edit": _coordination(
        lambda c: {"year": c["annual"].year, "commitment": c["commitment"].public_id}, NOBODY
    ),
}


# The domain apps' scenarios (protection, exchange, oidc, migration, budget) live in their own module.
from elaos.core.tests.security.scenarios_domains import DOMAIN_SCENARIOS  # noqa: E402

assert not set(SCENARIOS) & set(DOMAIN_SCENARIOS)
SCENARIOS.update(DOMAIN_SCENARIOS)
