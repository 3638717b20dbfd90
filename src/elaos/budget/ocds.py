"""Procurement as the Open Contracting Data Standard 1.1.5: release packages (one release per event of a
contracting process: tender, each award, each contract, each amendment, the implementation payments) and record
packages (per ocid: the releases and a compiled release with the current state).

Validated in the tests against the official schemas vendored in ``opendata/`` (see opendata/README.md). Contracts
that did not come from a tender have no ocid and are published in the JSON API and the Fiscal Data Package only.
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from elaos.agencies.models import Organisation
from elaos.budget.models import Award, Bid, Contract, ContractAmendment, Payee, Tender, Transaction

OCDS_VERSION = "1.1"
SCHEMA_URI = "https://standard.open-contracting.org/schema/1__1__5/"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
PAGINATION_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_pagination_extension/master/extension.json"
)
CURRENCY = "LAK"
METHODS = {"open": "open", "limited": "selective", "direct": "direct"}
# Laos is UTC+7 all year; dates are local calendar dates.
TIME_SUFFIX = "T00:00:00+07:00"


def ocds_datetime(value: datetime.date | datetime.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat() + TIME_SUFFIX


def money(amount: int | None) -> dict | None:
    return None if amount is None else {"amount": amount, "currency": CURRENCY}


def ocds_tenders(
    *,
    agency: Organisation | None = None,
    fiscal_year: int | None = None,
    ocids: Iterable[str] | None = None,
    after_id: int | None = None,
    limit: int | None = None,
) -> QuerySet[Tender]:
    """The tenders to publish, oldest first (keyset on id), with everything a release needs prefetched."""
    tenders = Tender.objects.filter(archived_at__isnull=True)
    if agency is not None:
        tenders = tenders.filter(agency=agency)
    if fiscal_year is not None:
        tenders = tenders.filter(fiscal_year_id=fiscal_year)
    if ocids is not None:
        tenders = tenders.filter(ocid__in=list(ocids))
    if after_id is not None:
        tenders = tenders.filter(id__gt=after_id)
    tenders = (
        tenders.order_by("id")
        .select_related("agency", "budget_line", "plan_item__plan", "plan_item__budget_line")
        .prefetch_related(
            Prefetch("bids", queryset=Bid.objects.select_related("tenderer").order_by("id")),
            Prefetch("awards", queryset=Award.objects.select_related("supplier").order_by("date", "id")),
            Prefetch(
                "awards__contracts",
                queryset=Contract.objects.filter(archived_at__isnull=True).order_by("signed_on", "id"),
            ),
            Prefetch("awards__contracts__amendments", queryset=ContractAmendment.objects.order_by("date", "id")),
            Prefetch(
                "awards__contracts__payments",
                queryset=Transaction.objects.select_related("payee").order_by("date", "id"),
            ),
        )
    )
    return tenders[:limit] if limit is not None else tenders


# --- parties ----------------------------------------------------------------------------------------------------------


def agency_party_id(agency: Organisation) -> str:
    return f"LA-ORG-{agency.code}"


def payee_party_id(payee: Payee) -> str:
    return f"LA-PAYEE-{payee.public_id}"


def _agency_party(agency: Organisation) -> dict:
    return {
        "id": agency_party_id(agency),
        "name": agency.name_en or agency.name_lo,
        "identifier": {"scheme": None, "id": agency.code, "legalName": agency.name_lo},
        "address": {"countryName": "Lao PDR"},
    }


def _payee_party(payee: Payee) -> dict:
    party: dict = {"id": payee_party_id(payee), "name": payee.name_en or payee.name_lo}
    # A private person's registration number (an ID card number) is personal data: only organisations' are published.
    if payee.registration_number and payee.kind != Payee.Kind.INDIVIDUAL:
        party["identifier"] = {"id": payee.registration_number, "legalName": payee.name_lo}
    return party


def _reference(party: dict) -> dict:
    return {"id": party["id"], "name": party["name"]}


class _Parties:
    """Collects the organisations one release mentions, each with all its roles in that release."""

    def __init__(self) -> None:
        self._parties: dict[str, dict] = {}

    def add(self, party: dict, role: str) -> dict:
        entry = self._parties.setdefault(party["id"], {**party, "roles": []})
        if role not in entry["roles"]:
            entry["roles"].append(role)
        return _reference(party)

    def agency(self, agency: Organisation, role: str) -> dict:
        return self.add(_agency_party(agency), role)

    def payee(self, payee: Payee, role: str) -> dict:
        return self.add(_payee_party(payee), role)

    def as_list(self) -> list[dict]:
        return list(self._parties.values())


# --- release sections -------------------------------------------------------------------------------------------------


def _planning(tender: Tender) -> dict | None:
    """The budget line the tender is charged to and, when the tender carries out an item of the agency's published
    procurement plan, that item: its description as the rationale, its planned value as the budget amount (the
    tender's own estimate otherwise), and the plan's publication as a milestone."""
    item = tender.plan_item
    line = tender.budget_line or (item.budget_line if item is not None else None)
    if line is None and item is None:
        return None
    planning: dict = {}
    if item is not None:
        quarter = f", planned for quarter {item.planned_quarter}" if item.planned_quarter else ""
        planning["rationale"] = (
            f"Procurement plan {item.plan.fiscal_year_id}, item {item.code}: "
            f"{item.description_en or item.description_lo} ({item.get_method_display()} {item.category}{quarter})."
        )
        if item.plan.published_on:
            planning["milestones"] = [
                {
                    "id": f"plan-{item.plan.public_id}-{item.code}",
                    "title": item.plan.title_en or item.plan.title_lo,
                    "type": "planning",
                    "code": "procurementPlan",
                    "status": "met",
                    "dateMet": ocds_datetime(item.plan.published_on),
                }
            ]
    amount = item.estimated_value if item is not None else tender.estimated_value
    budget: dict = {}
    if line is not None:
        budget = {
            "id": line.code,
            "description": line.name_en or line.name_lo,
            "project": line.name_lo,
            "projectID": line.code,
        }
    elif item is not None:
        budget = {
            "id": f"plan-{item.plan.fiscal_year_id}-{item.code}",
            "description": item.description_en or item.description_lo,
        }
    if amount is not None:
        budget["amount"] = money(amount)
    planning["budget"] = budget
    return planning


def _tender_section(tender: Tender, parties: _Parties) -> dict:
    bids = [b for b in tender.bids.all() if b.status != Bid.Status.WITHDRAWN]
    section: dict = {
        "id": tender.ocid,
        "title": tender.title_en or tender.title_lo,
        "description": tender.description_en or tender.description_lo or None,
        "status": tender.status,
        "procurementMethod": METHODS[tender.method],
        "procurementMethodDetails": tender.get_method_display(),
        "procurementMethodRationale": tender.method_rationale or None,
        "mainProcurementCategory": tender.category,
        "numberOfTenderers": len(bids),
    }
    if tender.estimated_value is not None:
        section["value"] = money(tender.estimated_value)
    if tender.tender_period_start or tender.tender_period_end:
        section["tenderPeriod"] = {
            "startDate": ocds_datetime(tender.tender_period_start),
            "endDate": ocds_datetime(tender.tender_period_end),
        }
    if bids:
        tenderers: dict[str, dict] = {}
        for bid in bids:
            ref = parties.payee(bid.tenderer, "tenderer")
            tenderers[ref["id"]] = ref
        section["tenderers"] = list(tenderers.values())
    return {k: v for k, v in section.items() if v is not None}


def _award_section(award: Award, parties: _Parties) -> dict:
    return {
        "id": award.award_id,
        "status": award.status,
        "date": ocds_datetime(award.date),
        "value": money(award.amount),
        "suppliers": [parties.payee(award.supplier, "supplier")],
    }


def _contract_section(contract: Contract, award: Award, *, upto: ContractAmendment | None = None) -> dict:
    """The contract as it stood after ``upto`` (all amendments when None; none when signing)."""
    amendments = list(contract.amendments.all())
    if upto is not None:
        amendments = amendments[: amendments.index(upto) + 1]
    section: dict = {
        "id": contract.contract_id,
        "awardID": award.award_id,
        "title": contract.title_en or contract.title_lo,
        "status": contract.status,
        "value": money(amendments[-1].new_value if amendments else contract.value),
        "dateSigned": ocds_datetime(contract.signed_on),
    }
    if contract.period_start or contract.period_end:
        section["period"] = {
            "startDate": ocds_datetime(contract.period_start),
            "endDate": ocds_datetime(contract.period_end),
        }
    if amendments:
        section["amendments"] = [
            {
                "id": a.amendment_id,
                "date": ocds_datetime(a.date),
                "rationale": a.rationale_en or a.rationale_lo or None,
                "description": f"Value changed from {a.previous_value} to {a.new_value} {CURRENCY}.",
            }
            for a in amendments
        ]
    return section


def _transactions(contract: Contract, parties: _Parties, agency: Organisation) -> list[dict]:
    return [
        {
            "id": str(payment.id),
            "source": f"{settings.SITE_URL}/api/v1/budget/transactions/{payment.id}",
            "date": ocds_datetime(payment.date),
            "value": money(payment.amount),
            "payer": parties.agency(agency, "payer"),
            "payee": parties.payee(payment.payee, "payee"),
        }
        for payment in contract.payments.all()
    ]


def _release(tender: Tender, release_id: str, date: datetime.date | None, tag: list[str], parties: _Parties) -> dict:
    release: dict = {
        "ocid": tender.ocid,
        "id": f"{tender.ocid}-{release_id}",
        "date": ocds_datetime(date or tender.published_on or tender.created_at),
        "tag": tag,
        "initiationType": "tender",
        "language": "en",
        "buyer": parties.agency(tender.agency, "buyer"),
    }
    return release


def _finish(release: dict, parties: _Parties) -> dict:
    release["parties"] = parties.as_list()
    return release


def tender_releases(tender: Tender) -> list[dict]:
    """Every release of one contracting process, oldest first."""
    releases = []

    parties = _Parties()
    release = _release(tender, "tender", tender.published_on, ["tender"], parties)
    planning = _planning(tender)
    if planning:
        release["planning"] = planning
    release["tender"] = _tender_section(tender, parties)
    releases.append(_finish(release, parties))

    for award in tender.awards.all():
        parties = _Parties()
        release = _release(tender, f"award-{award.award_id}", award.date, ["award"], parties)
        release["awards"] = [_award_section(award, parties)]
        releases.append(_finish(release, parties))
        for contract in award.contracts.all():
            parties = _Parties()
            release = _release(tender, f"contract-{contract.contract_id}", contract.signed_on, ["contract"], parties)
            signed = _contract_section(contract, award)
            signed.pop("amendments", None)
            signed["value"] = money(contract.value)
            release["contracts"] = [signed]
            releases.append(_finish(release, parties))
            for amendment in contract.amendments.all():
                parties = _Parties()
                release = _release(
                    tender, f"amendment-{amendment.amendment_id}", amendment.date, ["contractAmendment"], parties
                )
                release["contracts"] = [_contract_section(contract, award, upto=amendment)]
                releases.append(_finish(release, parties))
            payments = list(contract.payments.all())
            if payments:
                parties = _Parties()
                release = _release(
                    tender, f"implementation-{contract.contract_id}", payments[-1].date, ["implementation"], parties
                )
                release["contracts"] = [
                    {
                        "id": contract.contract_id,
                        "awardID": award.award_id,
                        "implementation": {"transactions": _transactions(contract, parties, tender.agency)},
                    }
                ]
                releases.append(_finish(release, parties))
    return releases


def compiled_release(tender: Tender, releases: list[dict] | None = None) -> dict:
    """The current state of the whole process in one release (tag "compiled")."""
    releases = releases if releases is not None else tender_releases(tender)
    latest = max(r["date"] for r in releases)
    parties = _Parties()
    release = _release(tender, "compiled", None, ["compiled"], parties)
    release["id"] = f"{tender.ocid}-{latest}"
    release["date"] = latest
    planning = _planning(tender)
    if planning:
        release["planning"] = planning
    release["tender"] = _tender_section(tender, parties)
    awards, contracts = [], []
    for award in tender.awards.all():
        awards.append(_award_section(award, parties))
        for contract in award.contracts.all():
            section = _contract_section(contract, award)
            transactions = _transactions(contract, parties, tender.agency)
            if transactions:
                section["implementation"] = {"transactions": transactions}
            contracts.append(section)
    if awards:
        release["awards"] = awards
    if contracts:
        release["contracts"] = contracts
    return _finish(release, parties)


# --- packages ---------------------------------------------------------------------------------------------------------


def _package_meta(uri: str, published: datetime.datetime, next_url: str | None) -> dict:
    meta: dict = {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": [PAGINATION_EXTENSION] if next_url else [],
        "publishedDate": ocds_datetime(published),
        "publisher": {"name": settings.GLASS_PUBLISHER_NAME, "scheme": None, "uid": None, "uri": settings.SITE_URL},
        "license": LICENSE,
        "publicationPolicy": f"{settings.SITE_URL}/budget/open-data/",
    }
    if not meta["extensions"]:
        del meta["extensions"]
    if next_url:
        meta["links"] = {"next": next_url}
    return meta


def _published(tenders: list[Tender]) -> datetime.datetime:
    """The last change to what the package holds (the spec's rule for packages generated on demand)."""
    return max(t.updated_at for t in tenders).replace(microsecond=0)


def release_package(tenders: Iterable[Tender], *, uri: str, next_url: str | None = None) -> dict | None:
    """A release package of the given tenders' releases; None when there is nothing to publish (the schema
    requires at least one release)."""
    tenders = list(tenders)
    releases = [release for tender in tenders for release in tender_releases(tender)]
    if not releases:
        return None
    return {**_package_meta(uri, _published(tenders), next_url), "releases": releases}


def record_package(tenders: Iterable[Tender], *, uri: str, next_url: str | None = None) -> dict | None:
    """A record package: per ocid its releases (embedded) and its compiled release."""
    tenders = list(tenders)
    if not tenders:
        return None
    records = []
    for tender in tenders:
        releases = tender_releases(tender)
        records.append(
            {"ocid": tender.ocid, "releases": releases, "compiledRelease": compiled_release(tender, releases)}
        )
    return {**_package_meta(uri, _published(tenders), next_url), "records": records}
