import csv
import io
import re

import pytest

from conftest import UserFactory
from elaos.core.models import Province
from elaos.migration import services
from elaos.migration.models import Complaint
from elaos.migration.tests.conftest import migrant_fields

SMALL = set(range(1, 11))


@pytest.fixture
def population(district_office, agency):  # type: ignore[no-untyped-def]
    """17 migrants: 14 to Thailand and 3 to Korea; 15 from Vientiane and 2 from Savannakhet; 12 women, 5 men."""
    for i in range(17):
        person = UserFactory()
        services.migrant_register(
            actor=person,
            person=person,
            office=district_office,
            consent=True,
            **migrant_fields(
                agency,
                destination="KR" if i < 3 else "TH",
                home_province=Province.objects.get(code="13" if i < 2 else "01"),
                sex="male" if i < 5 else "female",
            ),
        )


def _published(json_tables: list[dict]) -> None:
    for table in json_tables:
        values = [row["count"] for row in table["rows"]]
        assert not SMALL & {v for v in values if v is not None}, table
        if table["total"] is not None:
            assert table["total"] not in SMALL
            if table["additive"]:
                assert table["total"] - sum(v for v in values if v is not None) not in SMALL, table


def test_statistics_publish_no_small_cell_in_html_json_or_csv(client, population) -> None:  # type: ignore[no-untyped-def]
    data = client.get("/api/v1/migration/statistics").json()
    assert data["k"] == 11
    _published(data["tables"])
    destination = next(t for t in data["tables"] if t["code"] == "registrations_by_destination")
    counts = {r["code"]: r["count"] for r in destination["rows"]}
    assert counts["TH"] is None  # 14 hidden too, or the total would give Korea's 3 away
    assert counts["KR"] is None
    assert destination["total"] == 17

    html = client.get("/migration/statistics/").content.decode()
    cells = re.findall(r'<td class="number">(.*?)</td>', html, re.S)
    assert cells
    for cell in cells:
        text = re.sub(r"<[^>]+>", "", cell).strip()
        assert not (text.isdigit() and int(text) in SMALL), text

    body = client.get("/api/v1/migration/statistics?format=csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows
    assert all(not (r["count"].isdigit() and int(r["count"]) in SMALL) for r in rows)


def test_the_register_finds_an_agency_by_number_or_lao_name(client, agency, suspended_agency) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/migration/agencies/", {"q": "RA-2025-0002"}).content.decode()
    assert "RA-2025-0002" in page
    assert "RA-2025-0001" not in page
    page = client.get("/migration/agencies/", {"q": "ສາຍຮຸ້ງ"}).content.decode()
    assert "RA-2025-0001" in page
    detail = client.get("/migration/agencies/RA-2025-0002/").content.decode()
    assert "Excessive fees charged" in detail
    assert client.get("/migration/agencies/RA-0000/").status_code == 404


def test_an_anonymous_complaint_is_followed_with_reference_and_code(client, agency) -> None:  # type: ignore[no-untyped-def]
    form = {
        "submission_key": "0b9f1c5e-54b7-4a43-9d8e-0d1f7ab0c001",
        "complainant_kind": "family",
        "anonymous": "on",
        "against": "agency",
        "agency": agency.pk,
        "category": "excess_fees",
        "description": "They asked 30 million kip.",
    }
    response = client.post("/migration/complaints/new/", form)
    assert response.status_code == 302
    client.post("/migration/complaints/new/", form)  # sent twice: one complaint
    complaint = Complaint.objects.get()
    page = client.get(response["Location"]).content.decode()
    code = re.search(r'data-testid="secret-code">(\w+)<', page).group(1)
    found = client.post("/migration/complaints/follow/", {"reference": complaint.reference, "code": code})
    assert "excess" in found.content.decode().lower() or complaint.reference in found.content.decode()
    wrong = client.post("/migration/complaints/follow/", {"reference": complaint.reference, "code": "WRONG"})
    assert 'data-testid="complaint-status"' not in wrong.content.decode()


def test_a_complaint_without_description_keeps_what_was_typed(client, agency) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/migration/complaints/new/",
        {"complainant_kind": "migrant", "against": "employer", "category": "unpaid_wages", "contact_phone": "020"},
    )
    assert response.status_code == 200
    assert not Complaint.objects.exists()


def test_evidence_of_the_wrong_type_is_refused(client, agency) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/migration/complaints/new/",
        {
            "submission_key": "0b9f1c5e-54b7-4a43-9d8e-0d1f7ab0c002",
            "complainant_kind": "migrant",
            "anonymous": "on",
            "against": "agency",
            "agency": agency.pk,
            "category": "abuse",
            "description": "x",
            "evidence": SimpleUploadedFile("run.exe", b"MZ\x90\x00binary", content_type="application/pdf"),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "not accepted" in response.content.decode()
    assert not Complaint.objects.exists()
