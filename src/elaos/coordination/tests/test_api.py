import pytest
from django.test import Client
from django.utils import timezone

from elaos.demo.data import load_demo

pytestmark = pytest.mark.django_db


def test_api_with_the_demo(client: Client) -> None:
    load_demo()
    groups = client.get("/api/v1/sector-groups").json()
    assert [g["sector"] for g in groups] == ["health"]
    assert groups[0]["member_count"] >= 4
    health = client.get("/api/v1/sector-groups/health").json()
    assert len(health["meetings"]) == 2
    assert all(m["minutes_lo"] for m in health["meetings"])
    assert len(health["work_plan"]) == 5
    assert sum(item["overdue"] for item in health["work_plan"]) == 1
    year = timezone.localdate().year
    meetings = client.get("/api/v1/annual-meetings").json()
    assert [m["year"] for m in meetings] == [year, year - 1]
    assert meetings[0]["registration_open"] is True
    last = client.get(f"/api/v1/annual-meetings/{year - 1}").json()
    assert len(last["commitments"]) == 6
    assert {c["status"] for c in last["commitments"]} == {"open", "in_progress", "done"}
    assert last["minutes_published_at"]
    assert last["agenda"]
    this = client.get(f"/api/v1/annual-meetings/{year}").json()
    assert this["minutes_lo"] == ""
    assert this["commitments"] == []


def test_api_not_found(client: Client, db: None) -> None:
    for path in ("/api/v1/sector-groups/nope", "/api/v1/annual-meetings/1999"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert client.get("/api/v1/annual-meetings/abc").status_code == 422


def test_openapi_names_the_error_schema(client: Client, db: None) -> None:
    document = client.get("/api/v1/openapi.json").json()
    not_found = document["paths"]["/api/v1/sector-groups/{sector}"]["get"]["responses"]["404"]
    assert not_found["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/Error"
    assert "Error" in document["components"]["schemas"]
