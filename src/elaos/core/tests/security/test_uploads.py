"""Upload attacks against every upload point: too large, the wrong type by content (a .pdf that is really HTML,
SVG or a script), polyglots, and names that try to climb out of the storage (../, NUL, very long, unicode, CR/LF).
Nothing is stored outside the private media root, stored names are random, and each refusal says why.

Upload points are found in the code: a module that reads request.FILES or declares a FileField must be listed in
UPLOAD_POINTS, with the test that covers it, so a new one (migration complaint evidence) cannot go untested."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from elaos.core.tests.security.scenarios import TINY_PDF
from elaos.services.forms import DOCUMENT_PREFIX

SRC = Path(settings.BASE_DIR)
# module -> where its uploads are attacked (a test here, or "uncovered: why").
UPLOAD_POINTS = {
    "services/views_citizen.py": "test_application_document_attacks",
    "services/models.py": "test_application_document_attacks (ApplicationFile, private storage)",
    "services/views_definitions.py": "staff YAML upload: size and UTF-8 checked, yaml.safe_load, never stored",
    "documents/forms.py": "test_verify_pdf_attacks",
    "documents/views.py": "test_verify_pdf_attacks",
    "documents/models.py": "issued PDFs, written by the signer only (never a user's upload)",
    "services/services.py": "test_application_document_attacks (application_upload)",
    "services/uploads.py": "test_application_document_attacks (check_upload: type from the bytes)",
    "budget/forms.py": "test_budget_publishing_attacks (PublishStartForm.clean_file: kind from the bytes)",
    "budget/models.py": "test_budget_publishing_attacks (ImportBatch.file, never served)",
    "budget/services.py": "test_budget_publishing_attacks (batch_create stores under a fixed name)",
    "budget/views_publish.py": "test_budget_publishing_attacks, test_budget_xlsx_zip_bomb_is_refused",
    "migration/forms.py": "test_complaint_evidence_attacks_html_form",
    "migration/models.py": "test_complaint_evidence_names (ComplaintEvidence, private storage)",
    "migration/services.py": "test_complaint_evidence_attacks_* (_evidence_store: check_upload)",
    "migration/views.py": "test_complaint_evidence_attacks_html_form, test_complaint_evidence_attacks_back_office",
    "migration/api.py": "test_complaint_evidence_attacks_api (multipart complaint with an evidence file)",
}
# protection, exchange and oidc take no files (the guard above would list them if they did).
_UPLOAD_CODE = re.compile(r"request\.FILES|forms\.FileField|models\.FileField|UploadedFile\b")

ATTACKS = {
    "html as pdf": ("statement.pdf", b"<html><script>alert(1)</script></html>"),
    "svg as pdf": ("scan.pdf", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    "script as pdf": ("id.pdf", b"#!/bin/sh\nrm -rf /\n"),
    "html then pdf (polyglot)": ("id.pdf", b"<html><script>alert(1)</script>%PDF-1.4\n"),
    "zip as pdf": ("id.pdf", b"PK\x03\x04" + b"\x00" * 64),
    "gif as pdf": ("id.pdf", b"GIF89a" + b"\x00" * 32),
    "empty": ("id.pdf", b""),
}
NAMES = [
    "../../../../etc/passwd.pdf",
    "..\\..\\windows\\system32\\id.pdf",
    "id\x00.html.pdf",
    "a" * 600 + ".pdf",
    "ບັດປະຈຳຕົວ ຂອງຂ້ອຍ.pdf",
    "id\r\nContent-Type: text/html.pdf",
    "/absolute/path/id.pdf",
]


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_every_upload_point_is_listed() -> None:
    found = {
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts and _UPLOAD_CODE.search(path.read_text())
    }
    unknown = sorted(found - set(UPLOAD_POINTS))
    assert not unknown, "upload points with no upload-attack test: add them to UPLOAD_POINTS\n  " + "\n  ".join(unknown)


@pytest.fixture
def draft(submitted_certificate_application: Any, citizen: Any, certificate_service: Any) -> Any:
    from elaos.services import services

    return services.application_create(applicant=citizen, service=certificate_service)


def _post(client: Client, application: Any, upload: SimpleUploadedFile) -> Any:
    return client.post(
        f"/services/applications/{application.public_id}/",
        {"purpose": "ສະໝັກວຽກ", "action": "save", f"{DOCUMENT_PREFIX}-id_card": upload},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_application_document_attacks(client: Client, citizen: Any, draft: Any, tmp_path: Path) -> None:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    client.force_login(citizen)
    before = files_under(root)
    for label, (name, content) in ATTACKS.items():
        response = _post(client, draft, SimpleUploadedFile(name, content, content_type="application/pdf"))
        assert response.status_code == 400, label
        text = response.content.decode()
        assert "not accepted here" in text or "empty" in text, label
    too_big = TINY_PDF + b"0" * settings.SERVICES_UPLOAD_MAX_BYTES
    response = _post(client, draft, SimpleUploadedFile("big.pdf", too_big, content_type="application/pdf"))
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    assert draft.files.count() == 0
    assert files_under(root) == before, "a refused upload left a file behind"

    for name in NAMES:
        response = _post(client, draft, SimpleUploadedFile(name, TINY_PDF, content_type="application/pdf"))
        assert response.status_code in (200, 302), (name, response.status_code)
    stored = list(draft.files.all())
    assert len(stored) == len(NAMES)
    resolved_root = root.resolve()
    for item in stored:
        path = Path(item.file.path).resolve()
        assert path.is_relative_to(resolved_root), path
        assert re.fullmatch(r"[0-9a-f]{32}\.pdf", path.name), path.name
        assert "/" not in item.original_name
        assert "\\x00" not in item.original_name
        assert len(item.original_name) <= 200
        download = client.get(f"/services/applications/{draft.public_id}/files/{item.public_id}/")
        assert download.status_code == 200
        disposition = download["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert "\r" not in disposition
        assert "\n" not in disposition
        assert download["Content-Type"] == "application/pdf"
        assert download["X-Content-Type-Options"] == "nosniff"


def test_verify_pdf_attacks(db: None, client: Client) -> None:
    from elaos.documents.forms import MAX_PDF_BYTES

    root = Path(settings.PRIVATE_MEDIA_ROOT)
    before = files_under(root)
    big = SimpleUploadedFile("../../big.pdf", b"%PDF-" + b"0" * MAX_PDF_BYTES, content_type="application/pdf")
    response = client.post("/verify/", {"code": "ELA1.x.y.z", "pdf": big}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    for _label, (name, content) in ATTACKS.items():
        upload = SimpleUploadedFile(name, content, content_type="application/pdf")
        response = client.post("/verify/", {"code": "ELA1.x.y.z", "pdf": upload}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code in (200, 400)
        assert b"<script>alert(1)</script>" not in response.content
    assert files_under(root) == before, "the verify page must never store what it is sent"


# --- safe migration: complaint evidence (public form, API, back office) -----------------------------------------

COMPLAINT = {
    "complainant_kind": "family",
    "anonymous": "on",
    "against": "employer",
    "employer_name": "Some Farm",
    "category": "unpaid_wages",
    "description": "No wages for two months.",
}


def _complaints() -> Any:
    from elaos.migration.models import Complaint, ComplaintEvidence

    return Complaint.objects.count(), ComplaintEvidence.objects.count()


@pytest.fixture
def complaints_to_office_a(world: Any, settings: Any) -> Any:
    settings.MIGRATION_COMPLAINTS_OFFICE = world.office_a.code
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    return world


def _file_complaint(client: Client, upload: SimpleUploadedFile) -> Any:
    import uuid

    data = {**COMPLAINT, "submission_key": str(uuid.uuid4()), "evidence": upload}
    return client.post("/migration/complaints/new/", data, HTTP_ACCEPT_LANGUAGE="en")


def test_complaint_evidence_attacks_html_form(complaints_to_office_a: Any, settings: Any) -> None:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    before, counts = files_under(root), _complaints()
    for who in ("anonymous", "alice"):
        client = complaints_to_office_a.client(who)
        for label, (name, content) in ATTACKS.items():
            response = _file_complaint(client, SimpleUploadedFile(name, content, content_type="application/pdf"))
            assert response.status_code in (200, 400), (who, label, response.status_code)
            text = response.content.decode()
            assert "not accepted here" in text or "empty" in text, (who, label)
            assert "<script>alert(1)</script>" not in text
        settings.MIGRATION_EVIDENCE_MAX_BYTES = 1024
        big = SimpleUploadedFile("big.pdf", TINY_PDF + b"0" * 2048, content_type="application/pdf")
        assert "too large" in _file_complaint(client, big).content.decode()
        settings.MIGRATION_EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
    assert _complaints() == counts, "a refused file must refuse the whole complaint"
    assert files_under(root) == before, "a refused upload left a file behind"


def test_complaint_evidence_attacks_api(complaints_to_office_a: Any, settings: Any) -> None:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    before, counts = files_under(root), _complaints()
    client = complaints_to_office_a.client("anonymous")
    for label, (name, content) in ATTACKS.items():
        upload = SimpleUploadedFile(name, content, content_type="application/pdf")
        response = client.post("/api/v1/migration/complaints", {**COMPLAINT, "anonymous": "true", "evidence": upload})
        assert response.status_code == 422, (label, response.status_code, response.content[:300])
        assert "evidence" in response.json()["errors"], label
    two = [SimpleUploadedFile(f"{n}.pdf", TINY_PDF, content_type="application/pdf") for n in "ab"]
    response = client.post("/api/v1/migration/complaints", {**COMPLAINT, "anonymous": "true", "evidence": two})
    assert response.status_code == 422
    settings.MIGRATION_EVIDENCE_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.pdf", TINY_PDF + b"0" * 2048, content_type="application/pdf")
    response = client.post("/api/v1/migration/complaints", {**COMPLAINT, "anonymous": "true", "evidence": big})
    assert response.status_code == 422
    assert "evidence" in response.json()["errors"]
    assert _complaints() == counts
    assert files_under(root) == before


def test_complaint_evidence_names(complaints_to_office_a: Any, settings: Any) -> None:
    """Names that try to climb out of the storage, hide an extension or inject a header: stored under a random
    name in the private root; the office's officer downloads each as an attachment of the type read from it."""
    from elaos.migration.models import ComplaintEvidence

    world = complaints_to_office_a
    root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    client = world.client("alice")
    for name in NAMES:
        response = _file_complaint(client, SimpleUploadedFile(name, TINY_PDF, content_type="application/pdf"))
        assert response.status_code == 302, (name, response.status_code)
    stored = list(ComplaintEvidence.objects.select_related("complaint"))
    assert len(stored) == len(NAMES)
    officer = world.client("migration_officer_a")
    for item in stored:
        path = Path(item.file.path).resolve()
        assert path.is_relative_to(root), path
        assert re.fullmatch(r"[0-9a-f]{32}\.pdf", path.name), path.name
        assert "/" not in item.original_name
        assert len(item.original_name) <= 200
        url = f"/backoffice/complaints/{item.complaint.public_id}/evidence/{item.public_id}/"
        response = officer.get("/migration" + url)
        assert response.status_code == 200, (item.original_name, response.status_code)
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert "\r" not in disposition
        assert "\n" not in disposition
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_complaint_evidence_attacks_back_office(complaints_to_office_a: Any, settings: Any) -> None:
    """The officer adds evidence to a complaint from its page: the same checks."""
    from elaos.migration.models import ComplaintEvidence

    world = complaints_to_office_a
    assert (
        _file_complaint(world.client("alice"), SimpleUploadedFile("a.pdf", TINY_PDF, "application/pdf")).status_code
        == 302
    )
    complaint = ComplaintEvidence.objects.get().complaint
    officer = world.client("migration_officer_a")
    page = f"/migration/backoffice/complaints/{complaint.public_id}/"
    for label, (name, content) in ATTACKS.items():
        upload = SimpleUploadedFile(name, content, content_type="application/pdf")
        response = officer.post(page, {"action": "evidence", "evidence-evidence": upload}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code in (200, 400), label
        text = response.content.decode()
        assert "not accepted here" in text or "empty" in text, label
    assert ComplaintEvidence.objects.count() == 1


# --- Glass Accounts: publishing uploads (CSV or XLSX) ------------------------------------------------------------


def _publish(client: Client, code: str, name: str, content: bytes) -> Any:
    upload = SimpleUploadedFile(name, content, content_type="text/csv")
    data = {"information_type": "transactions", "fiscal_year": "2025", "file": upload}
    return client.post(f"/budget/publish/{code}/", data, HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def publisher(world: Any) -> Any:
    from elaos.budget.reference import reference_data_ensure
    from elaos.budget.services import fiscal_year_ensure

    reference_data_ensure()
    fiscal_year_ensure(2025)
    return world.client("officer_a")


def _xlsx(sheet_xml: bytes) -> bytes:
    """A workbook as openpyxl reads it, with the given first sheet."""
    import io
    import zipfile

    parts = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
        b'+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
        b'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
        b'name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_budget_publishing_attacks(publisher: Client, world: Any, settings: Any) -> None:
    from elaos.budget.models import ImportBatch

    code = world.ministry.code
    # Files that are no spreadsheet at all, whatever their name says, are refused before anything is stored.
    for name, content in (
        ("budget.csv", b"%PDF-1.4\n" + TINY_PDF),
        ("budget.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32),
        ("budget.csv", b"GIF89a" + b"\x00" * 32),
        ("budget.xlsx", b"MZ\x90\x00\x03\x00\x00\x00"),
        ("budget.csv", b""),
    ):
        response = _publish(publisher, code, name, content)
        assert response.status_code == 200, name
        text = response.content.decode()
        assert "not accepted here" in text or "empty" in text or "submitted file is empty" in text, (name, content)
    settings.GLASS_UPLOAD_MAX_BYTES = 1024
    assert "too large" in _publish(publisher, code, "big.csv", CSV_BIG).content.decode()
    settings.GLASS_UPLOAD_MAX_BYTES = 200 * 1024 * 1024
    assert not ImportBatch.objects.exists()

    # A "CSV" that is really HTML is text: it is stored, found to be no table of payments, and never shown raw.
    response = _publish(publisher, code, "report.csv", b"<html><script>alert(1)</script></html>\n<b>x</b>,y\n")
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.status in (ImportBatch.Status.INVALID, ImportBatch.Status.FAILED)
    page = publisher.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "<b>x</b>" not in page
    stored = Path(batch.file.name)
    for url in (f"/{stored}", f"/media/{stored}", f"{settings.MEDIA_URL}{stored}"):
        assert publisher.get(url).status_code == 404, f"{url}: an uploaded file must never be served as it is"

    # An archive that is no workbook: refused with a clear message, nothing published.
    response = _publish(publisher, code, "budget.xlsx", b"PK\x03\x04" + b"\x00" * 200)
    failed = ImportBatch.objects.get(public_id=response["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert failed.status in (ImportBatch.Status.INVALID, ImportBatch.Status.FAILED)
    assert failed.rows_published == 0
    assert (
        "not a readable XLSX workbook"
        in publisher.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )

    # Names that try to climb out of the storage are not used at all: the stored name is the server's, and the file
    # lies in the private storage (an upload may name individual payees before publication filters them).
    media = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    for name in NAMES:
        _publish(publisher, code, name.replace(".pdf", ".csv"), CSV_HEADER_ONLY)
    for item in ImportBatch.objects.all():
        path = Path(item.file.path).resolve()
        assert path.is_relative_to(media / "budget" / "imports"), path
        assert item.original_filename in ("upload.csv", "upload.xlsx"), item.original_filename


CSV_HEADER_ONLY = (
    b"reference,date,agency,payee_name_lo,payee_name_en,payee_kind,payee_registration_number,purpose_lo,purpose_en,"
    b"amount,budget_code,contract_id\n"
)
CSV_BIG = CSV_HEADER_ONLY + b"x" * 4096


def test_budget_xlsx_zip_bomb_is_refused(publisher: Client, world: Any, settings: Any) -> None:
    from elaos.budget.models import ImportBatch

    settings.GLASS_UPLOAD_MAX_BYTES = 1024 * 1024
    # 24 MB of XML whitespace inside the sheet: a few kilobytes packed.
    sheet = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b" " * (24 * 1024 * 1024)
        + b"<sheetData/></worksheet>"
    )
    bomb = _xlsx(sheet)
    assert len(bomb) < 100 * 1024
    response = _publish(publisher, world.ministry.code, "budget.xlsx", bomb)
    refused = response.status_code == 200 and "too large" in response.content.decode()
    if response.status_code == 302:
        batch = ImportBatch.objects.get()
        refused = batch.status in (ImportBatch.Status.FAILED, ImportBatch.Status.INVALID)
        refused = refused and "large" in batch.error_message and batch.rows_published == 0
    assert refused, "an XLSX that unpacks to 24 times the upload limit must be refused as too large"
