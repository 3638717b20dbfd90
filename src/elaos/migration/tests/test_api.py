import hashlib
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from elaos.migration.models import Complaint, ComplaintEvidence


def test_agencies_list_detail_and_404(client, agency, suspended_agency) -> None:  # type: ignore[no-untyped-def]
    rows = client.get("/api/v1/migration/agencies", {"status": "suspended"}).json()
    assert [r["licence_number"] for r in rows] == ["RA-2025-0002"]
    assert rows[0]["licensed_today"] is False
    detail = client.get("/api/v1/migration/agencies/RA-2025-0002").json()
    assert detail["sanctions"][0]["reason"] == "Excessive fees charged"
    missing = client.get("/api/v1/migration/agencies/RA-9999-0000")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


def test_upheld_complaints_show_on_the_agency(client, agency, bounmy) -> None:  # type: ignore[no-untyped-def]
    from elaos.migration import services

    complaint, _ = services.complaint_file(
        actor=None,
        complainant_kind="family",
        anonymous=True,
        against="agency",
        agency=agency,
        category="excess_fees",
        description="Fees",
    )
    services.complaint_transition(
        actor=bounmy, complaint=complaint, status="closed", outcome="upheld", outcome_note="Refund ordered"
    )
    assert client.get(f"/api/v1/migration/agencies/{agency.licence_number}").json()["upheld_complaints"] == 1


def test_complaint_api_anonymous_then_followed(client, agency) -> None:  # type: ignore[no-untyped-def]
    key = str(uuid.uuid4())
    body = {
        "complainant_kind": "migrant",
        "anonymous": True,
        "against": "agency",
        "agency": agency.licence_number,
        "category": "confiscated_documents",
        "description": "Passport kept by the employer",
        "submission_key": key,
    }
    filed = client.post("/api/v1/migration/complaints", body, content_type="application/json")
    assert filed.status_code == 201
    again = client.post("/api/v1/migration/complaints", body, content_type="application/json")
    assert again.json()["reference"] == filed.json()["reference"]
    assert Complaint.objects.count() == 1
    status = client.post(
        "/api/v1/migration/complaints/status",
        {"reference": filed.json()["reference"], "code": filed.json()["secret_code"]},
        content_type="application/json",
    )
    assert status.json()["status"] == "received"
    wrong = client.post(
        "/api/v1/migration/complaints/status",
        {"reference": filed.json()["reference"], "code": "NOPE"},
        content_type="application/json",
    )
    assert wrong.status_code == 404


def test_complaint_api_bad_input(client, agency) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/migration/complaints",
        {
            "complainant_kind": "family",
            "against": "agency",
            "agency": "RA-NOPE",
            "category": "abuse",
            "description": "x",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "agency" in response.json()["errors"]


def test_migrants_api_needs_sign_in_and_shows_only_mine(client, citizen, other_citizen, migrant) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/migration/migrants").status_code == 401
    client.force_login(citizen)
    assert [m["reference"] for m in client.get("/api/v1/migration/migrants").json()] == [migrant.reference]
    assert client.get(f"/api/v1/migration/migrants/{migrant.public_id}").json()["agency"] == "RA-2025-0001"
    client.force_login(other_citizen)
    assert client.get("/api/v1/migration/migrants").json() == []


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@pytest.fixture
def evidence_storage(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    from django.core.files.storage import FileSystemStorage

    storage = FileSystemStorage(location=tmp_path / "private")
    monkeypatch.setattr(ComplaintEvidence._meta.get_field("file"), "storage", storage)
    return storage


def multipart_complaint(agency, **extra):  # type: ignore[no-untyped-def]
    return {
        "complainant_kind": "family",
        "anonymous": "true",
        "against": "agency",
        "agency": agency.licence_number,
        "category": "excess_fees",
        "description": "ເກັບຄ່າບໍລິການ 20.000.000 ກີບ",
        **extra,
    }


def test_complaint_api_takes_an_evidence_file_as_multipart(client, agency, evidence_storage) -> None:  # type: ignore[no-untyped-def]
    key = str(uuid.uuid4())
    upload = SimpleUploadedFile("receipt.pdf", PDF, content_type="application/pdf")
    filed = client.post(
        "/api/v1/migration/complaints", multipart_complaint(agency, submission_key=key, evidence=upload)
    )

    assert filed.status_code == 201, filed.content
    body = filed.json()
    assert body["evidence_files"] == 1
    assert body["secret_code"]
    complaint = Complaint.objects.get(reference=body["reference"])
    assert complaint.anonymous
    assert complaint.complainant is None
    evidence = complaint.evidence.get()
    assert (evidence.original_name, evidence.content_type) == ("receipt.pdf", "application/pdf")
    assert evidence.size == len(PDF)
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    assert evidence_storage.exists(evidence.file.name)
    assert "receipt" not in evidence.file.name, "stored under a random name"
    # Sending the same form again files nothing new.
    again = client.post(
        "/api/v1/migration/complaints",
        multipart_complaint(agency, submission_key=key, evidence=SimpleUploadedFile("receipt.pdf", PDF)),
    )
    assert again.json()["reference"] == body["reference"]
    assert ComplaintEvidence.objects.count() == 1


def test_complaint_api_multipart_without_evidence(client, agency) -> None:  # type: ignore[no-untyped-def]
    filed = client.post("/api/v1/migration/complaints", multipart_complaint(agency, submission_key=""))

    assert filed.status_code == 201, filed.content
    assert filed.json()["evidence_files"] == 0
    assert Complaint.objects.get().evidence.count() == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [("run.exe", b"MZ\x90\x00binary"), ("empty.pdf", b""), ("page.html", b"<html>%PDF-</html>")],
    ids=["executable", "empty", "html named pdf"],
)
def test_complaint_api_refuses_evidence_the_form_refuses(client, agency, evidence_storage, name, content) -> None:  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client.post(
        "/api/v1/migration/complaints", multipart_complaint(agency, evidence=upload), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == ["evidence"]
    assert not Complaint.objects.exists(), "the complaint is not filed without its evidence"
    assert not ComplaintEvidence.objects.exists()


def test_complaint_api_refuses_too_large_evidence(client, agency, evidence_storage, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MIGRATION_EVIDENCE_MAX_BYTES = 1024
    upload = SimpleUploadedFile("scan.pdf", PDF + b"0" * 2048, content_type="application/pdf")
    response = client.post(
        "/api/v1/migration/complaints", multipart_complaint(agency, evidence=upload), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 422
    assert "too large" in response.json()["errors"]["evidence"][0]
    assert not Complaint.objects.exists()


def test_complaint_api_takes_one_evidence_file(client, agency, evidence_storage) -> None:  # type: ignore[no-untyped-def]
    files = [SimpleUploadedFile(f"{n}.pdf", PDF) for n in ("a", "b")]
    response = client.post("/api/v1/migration/complaints", multipart_complaint(agency, evidence=files))

    assert response.status_code == 422
    assert "evidence" in response.json()["errors"]
    assert not Complaint.objects.exists()


def test_complaint_api_multipart_bad_fields(client, agency) -> None:  # type: ignore[no-untyped-def]
    data = multipart_complaint(agency)
    del data["category"], data["description"]
    response = client.post("/api/v1/migration/complaints", {**data, "anonymous": "maybe"})

    assert response.status_code == 422
    assert {"category", "description", "anonymous"} <= set(response.json()["errors"])
    assert not Complaint.objects.exists()


def test_complaint_api_bad_json(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/migration/complaints", "{not json", content_type="application/json")

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_complaint_api_documents_both_request_bodies(client) -> None:  # type: ignore[no-untyped-def]
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/migration/complaints"]["post"]
    content = operation["requestBody"]["content"]

    assert set(content) == {"application/json", "multipart/form-data"}
    assert content["multipart/form-data"]["schema"]["properties"]["evidence"]["format"] == "binary"
    assert "evidence" not in content["application/json"]["schema"]["properties"]
