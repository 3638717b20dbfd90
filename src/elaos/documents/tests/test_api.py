"""POST /api/v1/verify: the same verification as the page, as JSON with stable reason codes."""

import uuid

import pytest
from django.test import Client

from elaos.accounts.models import User
from elaos.documents import keys, payload, services
from elaos.documents.models import Document

pytestmark = pytest.mark.django_db


def _verify(client: Client, code: str, language: str = "lo"):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/verify", {"code": code}, content_type="application/json", headers={"accept-language": language}
    )


def test_a_genuine_document(client: Client, document: Document) -> None:
    response = _verify(client, document.payload, "en")

    assert response.status_code == 200
    data = response.json()
    assert data["valid"] is True
    assert data["reason"] == "ok"
    assert data["message"].startswith("This document is genuine")
    assert data["document"] == {
        "id": str(document.public_id),
        "type_code": "birth-certificate",
        "title_lo": "ໃບຢັ້ງຢືນການເກີດ",
        "title_en": "Birth certificate",
        "holder": "ສົມໃຈ ແສງສຸລິຍາ",
        "issuer_code": "molsw",
        "issuer_name_lo": document.issuer.name_lo,
        "issuer_name_en": "Labour",
        "issued_on": document.issued_on.isoformat(),
        "revoked_at": None,
    }


def test_the_verification_link_works_too(client: Client, document: Document) -> None:
    assert _verify(client, services.verify_url(document.payload)).json()["valid"] is True


def test_a_changed_code(client: Client, document: Document) -> None:
    code = document.payload[:-2] + ("AA" if not document.payload.endswith("AA") else "BB")

    data = _verify(client, code).json()

    assert data == {"valid": False, "reason": data["reason"], "message": data["message"], "document": None}
    assert data["reason"] in {"bad_signature", "malformed"}


def test_a_revoked_document_keeps_its_details(client: Client, document: Document, officer: User) -> None:
    services.document_revoke(actor=officer, document=document, reason="replaced")

    data = _verify(client, document.payload, "en").json()

    assert data["valid"] is False
    assert data["reason"] == "revoked"
    assert data["message"] == "This document was revoked and is no longer valid."
    assert data["document"]["revoked_at"] is not None


def test_a_code_never_issued(client: Client, db: None) -> None:
    key = keys.record_key()
    record = payload.Record(id=str(uuid.uuid4()), type="t", holder="h", issuer="o", issued="2025-01-01")

    data = _verify(client, payload.sign_record(record=record, key=key.private_key, kid=key.kid)).json()

    assert (data["valid"], data["reason"], data["document"]) == (False, "not_found", None)


def test_not_a_code(client: Client, db: None) -> None:
    assert _verify(client, "https://example.com/").json()["reason"] == "malformed"


def test_no_code_is_invalid_input(client: Client, db: None) -> None:
    response = client.post("/api/v1/verify", {"code": ""}, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_no_sign_in_is_needed_and_no_csrf(db: None, document: Document) -> None:
    client = Client(enforce_csrf_checks=True)

    assert _verify(client, document.payload).status_code == 200
