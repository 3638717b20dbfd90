"""GET /api/v1/npas/{number}/reports: the years an association reported, with totals; public."""

import datetime

from django.test import Client

from elaos.civil_society.models import Npa
from elaos.civil_society.services import IncomeIn, SpendingIn, annual_report_submit
from elaos.civil_society.tests.conftest import register_npa


def test_reports_by_year(client: Client, health: object) -> None:
    npa: Npa = register_npa(registered_on=datetime.date(2024, 2, 1))
    annual_report_submit(
        actor=None,
        npa=npa,
        year=2024,
        income=[IncomeIn("ຄ່າສະມາຊິກ", 40_000_000), IncomeIn("WHO", 10_000_000, foreign=True)],
        spending=[SpendingIn("ກິດຈະກຳ", 30_000_000)],
    )
    response = client.get(f"/api/v1/npas/{npa.registration_number}/reports")
    assert response.status_code == 200
    data = response.json()
    assert data["registration_number"] == npa.registration_number
    [year] = data["years"]
    assert (year["year"], year["income_kip"], year["foreign_income_kip"], year["domestic_income_kip"]) == (
        2024,
        50_000_000,
        10_000_000,
        40_000_000,
    )
    assert year["spending_kip"] == 30_000_000
    assert year["late"] is True
    assert 2024 not in data["missing_years"]


def test_unknown_association(client: Client, db: None) -> None:
    response = client.get("/api/v1/npas/NPA-1999-0001/reports")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_detail_route_still_answers(client: Client, health: object) -> None:
    npa = register_npa()
    assert client.get(f"/api/v1/npas/{npa.registration_number}").json()["registration_number"] == (
        npa.registration_number
    )
