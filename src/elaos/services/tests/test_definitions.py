"""The shipped service catalogue: every definition is valid against the demo organisations, bilingual, and imported
by the demo; importing is idempotent and a changed definition becomes a new version that running applications do
not see."""

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from elaos.accounts.models import User
from elaos.demo.data import load_demo
from elaos.services.definition import DEFINITIONS_DIR, UPLOAD_TYPES, load_file, service_errors
from elaos.services.models import Category, LifeEvent, Service, ServiceVersion
from elaos.services.services import application_create, known_codes, service_import

FILES = sorted(DEFINITIONS_DIR.glob("*.yaml"))
LAO = re.compile("[\u0e80-\u0eff]")


def shipped() -> list[dict[str, Any]]:
    return [load_file(path) for path in FILES]


def bilingual_texts(definition: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """Every (where, Lao, English) pair a citizen or officer can see in a definition."""
    pairs = [(key, definition.get(f"{key}_lo"), definition.get(f"{key}_en")) for key in ("name", "summary")]
    pairs += [
        (key, definition[f"{key}_lo"], definition[f"{key}_en"])
        for key in ("description", "eligibility", "legal_basis")
        if f"{key}_lo" in definition or f"{key}_en" in definition
    ]
    pairs += [(f"fees/{f['code']}", f["name_lo"], f["name_en"]) for f in definition.get("fees", [])]
    pairs += [(f"documents/{d['code']}", d["name_lo"], d["name_en"]) for d in definition.get("documents", [])]
    for name, hints in definition["form"].get("ui", {}).items():
        pairs += [(f"ui/{name}/{kind}", hints.get(f"{kind}_lo"), hints.get(f"{kind}_en")) for kind in ("label", "help")]
        pairs += [(f"ui/{name}/{c['value']}", c.get("label_lo"), c.get("label_en")) for c in hints.get("choices", [])]
    output = definition.get("output", {})
    pairs.append(("output/title", output.get("title_lo"), output.get("title_en")))
    return pairs


@pytest.fixture
def demo(db: None) -> dict[str, int]:
    return load_demo()


def test_the_catalogue_ships_at_least_ten_services_from_five_ministries() -> None:
    definitions = shipped()

    assert len(definitions) >= 10
    assert len({d["agency"] for d in definitions}) >= 5
    assert len({d["code"] for d in definitions}) == len(definitions)
    assert {p.stem for p in FILES} == {d["code"] for d in definitions}, "each file is named after its service code"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_definition_is_valid_against_the_demo_organisations(demo: dict[str, int], path: Path) -> None:
    assert service_errors(load_file(path), known=known_codes()) == []


def test_load_demo_imports_the_catalogue(demo: dict[str, int]) -> None:
    definitions = {d["code"]: d for d in shipped()}
    services = Service.objects.select_related("current_version", "agency")

    assert {s.code for s in services} == set(definitions)
    for service in services:
        definition = definitions[service.code]
        assert service.current_version.version == 1
        assert service.current_version.status == ServiceVersion.Status.PUBLISHED
        assert service.current_version.definition == definition
        assert service.agency.code == definition["agency"]
        assert service.fee_kip == sum(f["amount_kip"] for f in definition.get("fees", []))
        assert set(service.offices.values_list("code", flat=True)) == set(definition["offices"])
        assert set(service.categories.values_list("code", flat=True)) == set(definition["categories"])
        assert set(service.life_events.values_list("code", flat=True)) == set(definition["life_events"])


def test_loading_the_demo_again_publishes_nothing(demo: dict[str, int]) -> None:
    versions = list(ServiceVersion.objects.values_list("pk", flat=True))

    load_demo()

    assert list(ServiceVersion.objects.values_list("pk", flat=True)) == versions


@pytest.mark.parametrize("definition", shipped(), ids=lambda d: d["code"])
def test_every_visible_text_is_in_lao_and_english(definition: dict[str, Any]) -> None:
    for where, lao, english in bilingual_texts(definition):
        assert isinstance(lao, str), f"{where}: no Lao text"
        assert LAO.search(lao), f"{where}: no Lao text"
        assert isinstance(english, str), f"{where}: no English text"
        assert english.strip(), f"{where}: no English text"
        assert not LAO.search(english), f"{where}: Lao script in the English text"


@pytest.mark.parametrize("definition", shipped(), ids=lambda d: d["code"])
def test_form_has_labelled_fields(definition: dict[str, Any]) -> None:
    properties = definition["form"]["schema"]["properties"]
    ui = definition["form"]["ui"]

    # The NPA registration asks for the province and district its level routes it to, and names its founders (the
    # register's first officers) and its funding sources: twelve fields. A recruitment agency's licence needs the
    # enterprise, its managers, capital and guarantee deposit: eleven.
    most = {"npa-registration": 12, "recruitment-agency-licensing": 11}.get(definition["code"], 8)
    assert 3 <= len(properties) <= most
    assert set(ui) == set(properties), "every field has its ui hints"
    assert sorted(h["order"] for h in ui.values()) == list(range(1, len(properties) + 1))
    for name, prop in properties.items():
        hints = ui[name]
        assert {"label_lo", "label_en", "help_lo", "help_en"} <= set(hints), name
        if prop["type"] == "string" and "enum" not in prop and prop.get("format") != "date":
            assert "maxLength" in prop, f"{name}: a free-text field has a maximum length"
        if prop.get("format") == "date":
            assert hints.get("widget") == "date", name
        if "enum" in prop:
            assert hints.get("widget") == "select", name
            assert [c["value"] for c in hints["choices"]] == prop["enum"], f"{name}: one labelled choice per value"


@pytest.mark.parametrize("definition", shipped(), ids=lambda d: d["code"])
def test_documents_fees_and_output(definition: dict[str, Any]) -> None:
    assert definition["documents"], "the applicant proves something"
    for document in definition["documents"]:
        assert set(document["types"]) <= set(UPLOAD_TYPES)
        assert 0 < document["max_mb"] <= 5
    for fee in definition["fees"]:
        assert isinstance(fee["amount_kip"], int)
        assert 1_000 <= fee["amount_kip"] <= 5_000_000
        assert fee["amount_kip"] % 1_000 == 0, "kip amounts are round"
    # A paid service asks for payment in its workflow; the NPA services (registration, amendment, dissolution) and
    # the recruitment agencies' licence have their own, which update their register on approval.
    expected = "certificate-with-fee" if definition["fees"] else "certificate-free"
    own_workflow = definition["code"].startswith("npa-") or definition["code"] == "recruitment-agency-licensing"
    assert definition["workflow"] == (definition["code"] if own_workflow else expected)
    assert set(definition["channels"]) <= {"online", "office", "post"}
    assert definition["offices"]
    assert definition["categories"]
    # No citizen's life event fits an association's amendment or dissolution.
    assert definition["life_events"] or definition["code"] in {"npa-amendment", "npa-dissolution"}
    assert definition["legal_basis_lo"]
    assert definition["legal_basis_en"]
    assert definition["output"]["template"] == "services/documents/certificate.html"
    assert definition["output"]["fields"]


@pytest.mark.parametrize(
    ("code", "agency", "office", "free"),
    [
        ("npa-registration", "moha", "moha-npa", True),
        ("recruitment-agency-licensing", "molsw", "molsw-skills", False),
        ("certificate-of-residence", "moha", "moha-vte-chanthabouly", True),
        ("enterprise-registration", "moic", "moic-erm", False),
        ("foreign-worker-permit", "molsw", "molsw-skills", False),
        ("passport-appointment", "mofa", "mofa-consular", False),
        ("criminal-record-certificate", "moj", "moj-vte", False),
        ("family-book-extract", "mops", "mops-vte-chanthabouly", False),
    ],
)
def test_services_other_modules_rely_on(code: str, agency: str, office: str, free: bool) -> None:
    definition = load_file(DEFINITIONS_DIR / f"{code}.yaml")

    assert definition["agency"] == agency
    assert office in definition["offices"]
    assert (not definition["fees"]) is free


def test_categories_and_life_events_are_bilingual(db: None) -> None:
    categories = {c.code: c for c in Category.objects.all()}
    life_events = {e.code: e for e in LifeEvent.objects.all()}

    assert len(categories) >= 10
    assert len(life_events) >= 9
    assert {"identity", "family", "business", "work", "migration", "civil-society"} <= set(categories)
    assert {"birth-of-child", "moving-house", "working-abroad", "founding-association"} <= set(life_events)
    for row in [*categories.values(), *life_events.values()]:
        assert LAO.search(row.name_lo), row.code
        assert row.name_en, row.code
        assert not LAO.search(row.name_en), row.code
    assert Category.objects.first().code == "identity", "categories keep their display order"


def test_every_category_and_life_event_used_by_the_catalogue_exists(db: None) -> None:
    known = known_codes()
    for definition in shipped():
        assert set(definition["categories"]) <= known["categories"], definition["code"]
        assert set(definition["life_events"]) <= known["life_events"], definition["code"]


def test_importing_an_unchanged_definition_twice_creates_no_version(demo: dict[str, int]) -> None:
    definition = load_file(DEFINITIONS_DIR / "npa-registration.yaml")

    first = service_import(actor=None, definition=definition)
    second = service_import(actor=None, definition=copy.deepcopy(definition))

    assert first.pk == second.pk
    assert ServiceVersion.objects.filter(service__code="npa-registration").count() == 1


def test_a_changed_fee_is_a_new_version_and_running_applications_keep_theirs(
    demo: dict[str, int], citizen: User
) -> None:
    definition = load_file(DEFINITIONS_DIR / "criminal-record-certificate.yaml")
    service = Service.objects.get(code="criminal-record-certificate")
    started = application_create(applicant=citizen, service=service)

    changed = copy.deepcopy(definition)
    changed["fees"][0]["amount_kip"] = 60000
    version = service_import(actor=None, definition=changed)

    service.refresh_from_db()
    started.refresh_from_db()
    assert version.version == 2
    assert service.current_version == version
    assert service.fee_kip == 60000
    assert started.service_version.version == 1
    assert started.service_version.definition["fees"][0]["amount_kip"] == 50000
    assert started.service_version.status == ServiceVersion.Status.RETIRED
    assert application_create(applicant=citizen, service=service).service_version == version
