"""The register's JSON API and bulk downloads: public fields only, suspended and dissolved associations included."""

import csv
import io

from django.test import Client

from elaos.accounts.models import User
from elaos.civil_society.models import Npa
from elaos.civil_society.services import IncomeIn, SpendingIn, annual_report_submit, npa_transition

PRIVATE = {
    "id",
    "public_id",
    "source_application_id",
    "name_lo_key",
    "name_en_key",
    "name_words",
    "created_by",
    "updated_by",
    "archived_at",
    "archive_reason",
    "actor",
}


def keys(value: object) -> set[str]:
    """Every key of a JSON document, at any depth."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys(v)}
    return set()


def test_list_with_filters_and_pagination(client: Client, alice: User, doctors: Npa, teachers: Npa) -> None:
    npa_transition(actor=alice, npa=teachers, action="dissolve", reason="ຍຸບເລີກ")
    body = client.get("/api/v1/npas").json()
    assert body["count"] == 2
    assert [(n["registration_number"], n["status"]) for n in body["items"]] == [
        (doctors.registration_number, "active"),
        (teachers.registration_number, "dissolved"),
    ]
    assert body["items"][0]["sector"] == "health"
    assert client.get("/api/v1/npas", {"status": "dissolved"}).json()["count"] == 1
    assert client.get("/api/v1/npas", {"q": "ແພດ"}).json()["items"][0]["name_lo"] == doctors.name_lo
    page = client.get("/api/v1/npas", {"limit": 1, "offset": 1}).json()
    assert [n["registration_number"] for n in page["items"]] == [teachers.registration_number]
    assert not keys(body) & PRIVATE


def test_detail(client: Client, alice: User, doctors: Npa) -> None:
    annual_report_submit(
        actor=None,
        npa=doctors,
        year=doctors.registered_on.year,
        income=[IncomeIn("ທຶນ", 9_000_000, foreign=True), IncomeIn("ຄ່າສະມາຊິກ", 1_000_000)],
        spending=[SpendingIn("ກິດຈະກຳ", 8_000_000)],
    )
    npa_transition(actor=alice, npa=doctors, action="suspend", reason="ການສືບສວນ")
    body = client.get(f"/api/v1/npas/{doctors.registration_number}").json()
    assert body["status"] == "suspended"
    assert body["status_reason"] == "ການສືບສວນ"
    assert body["sector"]["line_ministry"]["code"] == "moh"
    assert [c["status"] for c in body["status_history"]] == ["active", "suspended"]
    assert body["officers"][0]["role"] == "president"
    report = body["annual_reports"][0]
    assert (report["income_kip"], report["foreign_income_kip"], report["spending_kip"]) == (
        10_000_000,
        9_000_000,
        8_000_000,
    )
    assert not keys(body) & PRIVATE


def test_detail_of_unknown_number_is_404(client: Client, db: None) -> None:
    response = client.get("/api/v1/npas/NPA-1999-0001")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_bad_filter_is_refused(client: Client, db: None) -> None:
    assert client.get("/api/v1/npas", {"limit": "many"}).status_code == 422


def test_exports_hold_the_whole_register(client: Client, alice: User, doctors: Npa, teachers: Npa) -> None:
    npa_transition(actor=alice, npa=teachers, action="suspend", reason="ບໍ່ສົ່ງບົດລາຍງານ")

    as_json = client.get("/api/v1/npas/export.json").json()
    assert as_json["count"] == 2
    assert {n["registration_number"]: n["status"] for n in as_json["npas"]} == {
        doctors.registration_number: "active",
        teachers.registration_number: "suspended",
    }
    assert not keys(as_json) & PRIVATE

    response = client.get("/api/v1/npas/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["registration_number"] for r in rows] == [doctors.registration_number, teachers.registration_number]
    assert rows[1]["status"] == "suspended"
    assert rows[1]["status_reason"] == "ບໍ່ສົ່ງບົດລາຍງານ"
    assert rows[0]["officers"] == "president: ບຸນທະວີ ສີສຸພັນ"
    assert not set(rows[0]) & PRIVATE
