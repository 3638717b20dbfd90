"""The Fiscal Data Package validates under frictionless (every CSV read through the API and checked against its
table schema) and its descriptor against the vendored FDP 0.3 profile; the bulk dump writes the same data."""

import csv
import gzip
import io
import json
from pathlib import Path

import frictionless
import jsonschema
import pytest
import requests
from django.test import Client

from elaos.budget.fdp import bulk_dump_write
from elaos.budget.models import BulkDump
from elaos.budget.tests import oversight_data as data

OPENDATA = Path(__file__).resolve().parent.parent / "opendata"


class DjangoAdapter(requests.adapters.BaseAdapter):
    """Serve frictionless's HTTP reads from the Django test client: the package is validated exactly as a user
    would download it, without a server or a network."""

    def __init__(self, client: Client) -> None:
        super().__init__()
        self.client = client

    def send(self, request, **kwargs):  # type: ignore[no-untyped-def]
        answer = self.client.get(request.url)
        body = b"".join(answer.streaming_content) if answer.streaming else answer.content
        response = requests.Response()
        response.status_code = answer.status_code
        response.headers.update(dict(answer.items()))
        response.raw = io.BytesIO(body)
        response.url = request.url
        response.request = request
        return response

    def close(self) -> None:
        pass


@pytest.fixture
def story(db: None) -> dict:
    return data.procurement_story()


def fetch_and_validate(client: Client, url: str) -> tuple[dict, frictionless.Report]:
    session = requests.Session()
    session.mount("http://testserver/", DjangoAdapter(client))
    descriptor = client.get(url).json()
    with frictionless.system.use_context(http_session=session):
        report = frictionless.Package(descriptor).validate()
    return descriptor, report


def fdp_profile_errors(descriptor: dict) -> list[str]:
    profile = json.loads((OPENDATA / "fiscal-data-package.json").read_text())
    return [e.message for e in jsonschema.Draft4Validator(profile).iter_errors(descriptor)]


def test_data_package_is_valid(client: Client, story: dict) -> None:
    descriptor, report = fetch_and_validate(client, "/api/v1/budget/datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert not fdp_profile_errors(descriptor)
    assert [r["name"] for r in descriptor["resources"]] == ["budget-lines", "transactions", "contracts"]
    assert descriptor["model"]["measures"]["approved"]["phase"] == "approved"
    assert descriptor["model"]["dimensions"]["functional"]["classificationType"] == "functional"
    rows = {task.name: task.stats.get("rows", 0) for task in report.tasks}
    assert rows == {"budget-lines": 1, "transactions": 3, "contracts": 1}


def test_data_package_filters_reach_the_csvs(client: Client, story: dict) -> None:
    data.pay(data.agency("mof"), data.payee(), 40_000_000, data.datetime.date(2024, 6, 1))
    descriptor, report = fetch_and_validate(client, "/api/v1/budget/datapackage.json?year=2024")
    assert report.valid
    assert descriptor["fiscalPeriod"] == {"start": "2024-01-01", "end": "2024-12-31"}
    assert not fdp_profile_errors(descriptor)
    assert {task.name: task.stats.get("rows", 0) for task in report.tasks}["transactions"] == 1
    body = b"".join(client.get("/api/v1/budget/data/transactions.csv", {"agency": "moh-hospitals"}).streaming_content)
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert len(rows) == 3
    assert {r["agency_code"] for r in rows} == {"moh-hospitals"}
    assert rows[0]["amount"] == "200000000"


def test_an_invalid_csv_is_caught(client: Client, story: dict) -> None:
    """The validation is real: a text in an integer column fails."""
    descriptor = client.get("/api/v1/budget/datapackage.json").json()
    resource = descriptor["resources"][1]
    resource.pop("path")
    resource["data"] = [[f["name"] for f in resource["schema"]["fields"]], ["x"] * len(resource["schema"]["fields"])]
    report = frictionless.Resource(resource).validate()
    assert not report.valid


def test_data_bad_inputs(client: Client, story: dict) -> None:
    assert client.get("/api/v1/budget/data/secrets.csv").json()["code"] == "not_found"
    unknown = client.get("/api/v1/budget/datapackage.json", {"agency": "nobody"})
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "unknown_agency"
    assert client.get("/api/v1/budget/data/transactions.csv", {"year": "x"}).json()["code"] == "invalid"


def test_bulk_dump(client: Client, story: dict, tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.BUDGET_DUMP_DIR = tmp_path
    dumps = bulk_dump_write()
    again = bulk_dump_write()  # the same day twice: files rewritten, one record each
    assert len(dumps) == len(again) == 5
    assert BulkDump.objects.count() == 5
    names = {d.dataset: d.file.name for d in again}

    with gzip.open(tmp_path / names["ocds-release-package"], "rt", encoding="utf-8") as f:
        package = json.load(f)
    assert len(package["releases"]) == 5
    assert package["version"] == "1.1"
    from elaos.budget.tests.test_ocds import validate

    validate(package, "release-package-schema.json")

    report = frictionless.Package(str(tmp_path / names["fiscal-data-package"])).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "note"])
    assert {d.dataset: d.rows for d in again}["transactions"] == 3

    listing = client.get("/api/v1/budget/dumps").json()
    assert {d["dataset"] for d in listing} == set(names)
    download = client.get(next(d["url"] for d in listing if d["dataset"] == "transactions"))
    assert download.status_code == 200
    assert gzip.decompress(b"".join(download.streaming_content)).startswith(b"id,date,fiscal_year")
    assert client.get("/api/v1/budget/dumps/..%2Fsettings.py").status_code == 404
    assert client.get("/api/v1/budget/dumps/nothing.csv.gz").status_code == 404
