"""OCDS 1.1.5: the release and record packages validate against the official schemas (vendored, resolved locally:
nothing is fetched), and say what the data says."""

import json
from pathlib import Path

import jsonschema
import pytest
from django.test import Client
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from elaos.budget.tests import oversight_data as data

OPENDATA = Path(__file__).resolve().parent.parent / "opendata"


def _registry() -> Registry:
    resources = []
    for name in (
        "release-schema.json",
        "release-package-schema.json",
        "record-package-schema.json",
        "versioned-release-validation-schema.json",
    ):
        schema = json.loads((OPENDATA / name).read_text())
        assert "/1__1__5/" in schema["id"]
        resources.append((schema["id"], Resource.from_contents(schema, default_specification=DRAFT4)))
    return Registry().with_resources(resources)


def validate(document: dict, schema_name: str) -> None:
    """Raise on the first error; the format checker checks date-times too."""
    schema = json.loads((OPENDATA / schema_name).read_text())
    validator = jsonschema.Draft4Validator(
        schema, registry=_registry(), format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def test_the_vendored_schemas_are_release_1_1_5() -> None:
    for path in OPENDATA.glob("*-schema.json"):
        assert "/schema/1__1__5/" in json.loads(path.read_text())["id"], path


@pytest.fixture
def story(db: None) -> dict:
    return data.procurement_story()


def test_release_package_is_valid_and_complete(client: Client, story: dict) -> None:
    response = client.get("/api/v1/budget/ocds/release-package.json")
    assert response.status_code == 200
    package = response.json()
    validate(package, "release-package-schema.json")

    assert package["version"] == "1.1"
    ocid = story["tender"].ocid
    assert {r["ocid"] for r in package["releases"]} == {ocid}
    tags = [r["tag"] for r in package["releases"]]
    assert tags == [["tender"], ["award"], ["contract"], ["contractAmendment"], ["implementation"]]
    tender = package["releases"][0]["tender"]
    assert tender["numberOfTenderers"] == 2
    assert tender["procurementMethod"] == "open"
    assert package["releases"][0]["planning"]["budget"]["id"] == "MOH-07.3-22-001"
    contract = package["releases"][2]["contracts"][0]
    assert contract["value"] == {"amount": 400_000_000, "currency": "LAK"}
    assert package["releases"][3]["contracts"][0]["value"]["amount"] == 440_000_000
    transactions = package["releases"][4]["contracts"][0]["implementation"]["transactions"]
    assert [t["value"]["amount"] for t in transactions] == [200_000_000, 240_000_000]
    parties = {p["id"]: p for p in package["releases"][4]["parties"]}
    assert set(parties[transactions[0]["payee"]["id"]]["roles"]) == {"payee"}
    assert parties[transactions[0]["payer"]["id"]]["roles"] == ["buyer", "payer"]
    assert "links" not in package


def test_release_package_filters_and_pages(client: Client, story: dict) -> None:
    other = data.agency("mof")
    second = data.tender(other, bids=[(data.payee(), 10_000_000)])
    third = data.tender(other, fiscal_year=2024)

    by_agency = client.get("/api/v1/budget/ocds/release-package.json", {"agency": "mof"}).json()
    assert {r["ocid"] for r in by_agency["releases"]} == {second.ocid, third.ocid}
    by_year = client.get("/api/v1/budget/ocds/release-package.json", {"year": 2024}).json()
    assert {r["ocid"] for r in by_year["releases"]} == {third.ocid}
    by_ocid = client.get("/api/v1/budget/ocds/release-package.json", {"ocid": second.ocid}).json()
    assert {r["ocid"] for r in by_ocid["releases"]} == {second.ocid}

    first_page = client.get("/api/v1/budget/ocds/release-package.json", {"limit": 2}).json()
    validate(first_page, "release-package-schema.json")
    assert {r["ocid"] for r in first_page["releases"]} == {story["tender"].ocid, second.ocid}
    next_page = client.get(first_page["links"]["next"]).json()
    validate(next_page, "release-package-schema.json")
    assert {r["ocid"] for r in next_page["releases"]} == {third.ocid}
    assert "links" not in next_page


def test_release_package_bad_filters(client: Client, story: dict) -> None:
    unknown = client.get("/api/v1/budget/ocds/release-package.json", {"agency": "nope"})
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "unknown_agency"
    bad_year = client.get("/api/v1/budget/ocds/release-package.json", {"year": "twenty"})
    assert bad_year.status_code == 422
    assert bad_year.json()["code"] == "invalid"
    bad_cursor = client.get("/api/v1/budget/ocds/release-package.json", {"cursor": "%%%"})
    assert bad_cursor.status_code == 422
    assert bad_cursor.json()["code"] == "bad_cursor"
    nothing = client.get("/api/v1/budget/ocds/release-package.json", {"ocid": "ocds-elaos1-none"})
    assert nothing.status_code == 404
    assert nothing.json()["code"] == "not_found"


def test_record_package_per_ocid(client: Client, story: dict) -> None:
    ocid = story["tender"].ocid
    response = client.get(f"/api/v1/budget/ocds/records/{ocid}.json")
    assert response.status_code == 200
    package = response.json()
    validate(package, "record-package-schema.json")
    (record,) = package["records"]
    assert record["ocid"] == ocid
    assert len(record["releases"]) == 5
    compiled = record["compiledRelease"]
    assert compiled["tag"] == ["compiled"]
    assert compiled["contracts"][0]["value"]["amount"] == 440_000_000
    assert len(compiled["contracts"][0]["implementation"]["transactions"]) == 2
    assert compiled["awards"][0]["suppliers"][0]["name"] == "Lao Pharma"

    listed = client.get("/api/v1/budget/ocds/record-package.json", {"ocid": ocid}).json()
    validate(listed, "record-package-schema.json")
    assert listed["records"][0]["compiledRelease"] == compiled

    assert client.get("/api/v1/budget/ocds/records/ocds-elaos1-none.json").status_code == 404


def test_an_invalid_package_is_caught_by_the_validator(story: dict, client: Client) -> None:
    """The validation is real: a release without its required initiationType fails."""
    package = client.get("/api/v1/budget/ocds/release-package.json").json()
    del package["releases"][0]["initiationType"]
    with pytest.raises(AssertionError):
        validate(package, "release-package-schema.json")
