"""The public /verify/ page, the published keys, and the holder's documents."""

import hashlib
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import StaffFactory
from elaos.accounts.models import User
from elaos.core.audit import audit_events_for
from elaos.documents import keys, payload, services
from elaos.documents.models import Document
from elaos.documents.tests.conftest import IssueDocument

pytestmark = pytest.mark.django_db


def _tamper(code: str) -> str:
    """Swap one character of the signed body."""
    index = 10
    return code[:index] + ("A" if code[index] != "A" else "B") + code[index + 1 :]


def _pdf_bytes(document: Document) -> bytes:
    with document.pdf.open("rb") as file:
        return file.read()


def test_the_verify_page_offers_one_code_field_and_an_optional_pdf(client: Client, db: None) -> None:
    response = client.get("/verify/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'name="code"' in html
    assert 'type="file" name="pdf"' in html
    assert "<script>" not in html
    assert " style=" not in html
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-cache" in response["Cache-Control"]


def test_a_scanned_qr_link_verifies_directly(client: Client, document: Document) -> None:
    response = client.get("/verify/", {"c": document.payload})

    assert response.status_code == 200
    verification = response.context["verification"]
    assert verification.valid
    assert verification.reason == "ok"
    html = response.content.decode()
    assert "ສົມໃຈ ແສງສຸລິຍາ" in html
    assert "ໃບຢັ້ງຢືນການເກີດ" in html
    assert document.issuer.name_lo in html
    assert str(document.public_id) in html


def test_a_pasted_link_verifies_in_english(client: Client, document: Document) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/verify/"})

    response = client.post("/verify/", {"code": f"  {services.verify_url(document.payload)}\n"})

    assert response.status_code == 200
    assert response.context["verification"].valid
    html = response.content.decode()
    assert "Valid document" in html
    assert "Labour" in html


def test_a_tampered_code_is_rejected(client: Client, document: Document) -> None:
    response = client.post("/verify/", {"code": _tamper(document.payload)})

    verification = response.context["verification"]
    assert not verification.valid
    assert verification.reason == "bad_signature"
    assert "ສົມໃຈ" not in response.content.decode()


def test_something_that_is_not_a_code_is_malformed(client: Client, db: None) -> None:
    response = client.post("/verify/", {"code": "hello"})

    assert response.context["verification"].reason == "malformed"


def test_a_code_signed_by_an_unknown_key_is_rejected(client: Client, document: Document) -> None:
    prefix, body, _kid, signature = document.payload.split(".")

    response = client.post("/verify/", {"code": ".".join([prefix, body, "0" * 16, signature])})

    assert response.context["verification"].reason == "unknown_key"


def test_a_validly_signed_code_that_was_never_issued_is_not_found(client: Client, document: Document) -> None:
    key = keys.record_key()
    record = payload.Record(
        id=str(uuid.uuid4()), type="birth-certificate", holder="X", issuer="molsw", issued="2025-03-01"
    )
    code = payload.sign_record(record=record, key=key.private_key, kid=key.kid)

    response = client.post("/verify/", {"code": code})

    assert response.context["verification"].reason == "not_found"


def test_a_revoked_document_says_so_with_the_date(client: Client, document: Document, officer: User) -> None:
    services.document_revoke(actor=officer, document=document, reason="wrong date of birth")
    client.post("/i18n/setlang/", {"language": "en", "next": "/verify/"})

    response = client.get("/verify/", {"c": document.payload})

    verification = response.context["verification"]
    assert not verification.valid
    assert verification.reason == "revoked"
    html = response.content.decode()
    assert "Revoked on" in html
    assert str(document.revoked_on.year) in html  # type: ignore[union-attr]
    assert "wrong date of birth" not in html


def test_the_issued_pdf_matches(client: Client, document: Document) -> None:
    upload = SimpleUploadedFile("birth.pdf", _pdf_bytes(document), content_type="application/pdf")

    response = client.post("/verify/", {"code": document.payload, "pdf": upload})

    assert response.context["verification"].reason == "ok"


def test_an_altered_pdf_does_not_match(client: Client, document: Document) -> None:
    altered = bytearray(_pdf_bytes(document))
    altered[len(altered) // 3] ^= 0x20
    upload = SimpleUploadedFile("birth.pdf", bytes(altered), content_type="application/pdf")

    response = client.post("/verify/", {"code": document.payload, "pdf": upload})

    verification = response.context["verification"]
    assert not verification.valid
    assert verification.reason == "pdf_mismatch"


def test_another_documents_pdf_does_not_match(
    client: Client, document: Document, issue_document: IssueDocument, other_citizen: User
) -> None:
    other = issue_document(other_citizen)
    upload = SimpleUploadedFile("other.pdf", _pdf_bytes(other), content_type="application/pdf")

    response = client.post("/verify/", {"code": document.payload, "pdf": upload})

    assert response.context["verification"].reason == "pdf_mismatch"


def test_an_empty_form_is_a_bad_request(client: Client, db: None) -> None:
    response = client.post("/verify/", {"code": "  "})

    assert response.status_code == 400
    assert response.context["verification"] is None


def test_the_published_keys(client: Client, document: Document) -> None:
    response = client.get("/.well-known/elaos-keys.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["issuer"] == "e-Laos"
    [key] = data["keys"]
    assert key["kid"] == document.payload.split(".")[2]
    assert key["alg"] == "Ed25519"
    assert key["status"] == "active"
    assert data["ca_certificate_pem"].startswith("-----BEGIN CERTIFICATE-----")
    assert payload.verify_payload(document.payload, payload.public_keys_from_published(data)).valid


def test_the_keys_are_read_only(client: Client, db: None) -> None:
    assert client.post("/.well-known/elaos-keys.json").status_code == 405


def test_the_holder_downloads_the_pdf(client: Client, document: Document, citizen: User) -> None:
    client.force_login(citizen)

    response = client.get(f"/documents/{document.public_id}/download/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "birth-certificate-" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert hashlib.sha256(body).hexdigest() == document.sha256


def test_someone_else_gets_not_found(client: Client, document: Document, other_citizen: User) -> None:
    client.force_login(other_citizen)

    assert client.get(f"/documents/{document.public_id}/download/").status_code == 404


def test_an_unknown_document_is_not_found(client: Client, citizen: User) -> None:
    client.force_login(citizen)

    assert client.get(f"/documents/{uuid.uuid4()}/download/").status_code == 404


def test_anonymous_is_sent_to_sign_in(client: Client, document: Document) -> None:
    url = f"/documents/{document.public_id}/download/"

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/sign-in/?next={url}"


def test_staff_without_the_second_factor_is_sent_to_verify(client: Client, document: Document) -> None:
    client.force_login(StaffFactory())

    response = client.get(f"/documents/{document.public_id}/download/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/second-factor/?next=")


def test_verified_staff_of_the_issuing_office_download_and_it_is_audited(
    verified_officer_client: Client, issue_document: IssueDocument, citizen: User, officer: User
) -> None:
    document = issue_document(citizen, issuer=officer.role_assignments.get().organisation)

    response = verified_officer_client.get(f"/documents/{document.public_id}/download/")

    assert response.status_code == 200
    b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert audit_events_for(document).get(action="document.download").actor == officer


def test_verified_staff_of_another_office_get_a_404(
    verified_officer_client: Client, issue_document: IssueDocument, citizen: User, other_district_office
) -> None:
    document = issue_document(citizen, issuer=other_district_office)

    assert verified_officer_client.get(f"/documents/{document.public_id}/download/").status_code == 404


def test_my_documents_lists_only_mine(
    client: Client, document: Document, issue_document: IssueDocument, other_citizen: User, citizen: User
) -> None:
    other = issue_document(other_citizen, title_lo="ໃບອະນຸຍາດ")
    client.force_login(citizen)

    response = client.get("/documents/")

    assert response.status_code == 200
    assert list(response.context["documents"]) == [document]
    html = response.content.decode()
    assert f"/documents/{document.public_id}/download/" in html
    assert str(other.public_id) not in html


def test_my_documents_needs_sign_in(client: Client, db: None) -> None:
    assert client.get("/documents/")["Location"] == "/accounts/sign-in/?next=/documents/"


def test_a_signed_record_with_an_odd_id_is_not_found(client: Client, db: None) -> None:
    key = keys.record_key()
    record = payload.Record(id="not-a-uuid", type="t", holder="h", issuer="o", issued="2025-01-01")

    response = client.post("/verify/", {"code": payload.sign_record(record=record, key=key.private_key, kid=key.kid)})

    assert response.context["verification"].reason == "not_found"


def test_a_scanned_answer_is_served_again_without_a_form_or_cookie(client: Client, document: Document) -> None:
    first = client.get("/verify/", {"c": document.payload})
    again = Client().get("/verify/", {"c": document.payload})

    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert again.context is None  # served from the cache, not rendered again
    assert again["X-Robots-Tag"] == "noindex"
    assert not again.cookies
    assert 'name="code"' not in again.content.decode()
    assert 'href="/verify/"' in again.content.decode()


def test_a_revocation_shows_at_once_on_a_cached_answer(client: Client, document: Document, officer: User) -> None:
    assert client.get("/verify/", {"c": document.payload}).context["verification"].valid

    services.document_revoke(actor=officer, document=document, reason="wrong date of birth")
    response = client.get("/verify/", {"c": document.payload})

    assert response.context["verification"].reason == "revoked"


def test_citizens_who_scan_the_same_code_share_one_answer_each_with_their_own_sign_out_token(
    document: Document, citizen: User, other_citizen: User, officer: User
) -> None:
    import re

    pages = {}
    for name, user in (("citizen", citizen), ("other", other_citizen), ("officer", officer)):
        visitor = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
        visitor.force_login(user)
        response = visitor.get("/verify/", {"c": document.payload})
        assert response.status_code == 200
        pages[name] = (visitor, response)

    assert pages["citizen"][1].context is not None  # drawn once …
    assert pages["other"][1].context is None  # … and the second citizen is served that copy
    assert pages["officer"][1].context is not None  # staff pages are never shared
    tokens = {}
    for name in ("citizen", "other"):
        visitor, response = pages[name]
        html = response.content.decode()
        assert "Sign out" in html
        assert "elaos-csrf-slot" not in html
        tokens[name] = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        # The token filled in is the visitor's own: signing out with it works.
        assert visitor.post("/accounts/sign-out/", {"csrfmiddlewaretoken": tokens[name]}).status_code == 302
    assert tokens["citizen"] != tokens["other"]
