"""document_issue and document_revoke: what domains call."""

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import override_settings

from elaos.accounts.models import User
from elaos.agencies.models import Organisation
from elaos.core.audit import audit_events_for
from elaos.documents import keys, pades, payload, pdf, services
from elaos.documents.models import Document, private_media_root
from elaos.documents.tests.conftest import IssueDocument

pytestmark = pytest.mark.django_db


def test_issue_stores_a_signed_pdf_and_a_signed_record(
    real_rendering: None, document: Document, citizen: User, officer: User
) -> None:
    document.refresh_from_db()
    data = document.pdf.open("rb").read()

    assert document.holder == citizen
    assert document.issuer.code == "molsw"
    assert (document.subject_type, document.subject_id) == ("tests.subject", "1")
    assert document.created_by == officer
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert data.startswith(b"%PDF-")
    result = payload.verify_payload(document.payload, {k.kid: k.public_key for k in keys.public_record_keys()})
    assert result.valid
    assert result.record == {
        "id": str(document.public_id),
        "type": "birth-certificate",
        "holder": "ສົມໃຈ ແສງສຸລິຍາ",
        "issuer": "molsw",
        "issued": document.issued_on.isoformat(),
    }
    assert pades.check_pdf(data, ca_certificate_pem=keys.ca_certificate_pem()).matches(document.payload)


def test_the_pdf_is_kept_in_private_storage_outside_the_web_root(document: Document) -> None:
    path = Path(document.pdf.path).resolve()

    assert path.is_relative_to(private_media_root().resolve())
    assert not path.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert all(not path.is_relative_to(Path(d).resolve()) for d in settings.STATICFILES_DIRS)
    assert path.stat().st_mode & 0o077 == 0
    with pytest.raises(NotImplementedError):
        document.pdf.url  # noqa: B018


def test_issue_is_audited(document: Document, officer: User) -> None:
    event = audit_events_for(document).get()

    assert event.action == "document.issue"
    assert event.actor == officer
    assert event.data["sha256"] == document.sha256
    assert event.data["subject"] == "tests.subject:1"


def test_a_domain_template_extends_the_base_and_gets_the_qr(
    real_rendering: None, issue_document: IssueDocument, citizen: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[str] = []
    original = pdf.render_to_string

    def spy(template_name: str, context: dict) -> str:
        rendered.append(original(template_name, context))
        return rendered[-1]

    monkeypatch.setattr(pdf, "render_to_string", spy)
    domain_template = (
        '{% extends "documents/certificate_base.html" %}'
        "{% block body %}<p>Licence for {{ business_name }}</p>{% endblock %}"
    )
    templates = [
        {
            **settings.TEMPLATES[0],
            "APP_DIRS": False,
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "loaders": [
                    ("django.template.loaders.locmem.Loader", {"tests/licence.html": domain_template}),
                    "django.template.loaders.app_directories.Loader",
                ],
            },
        }
    ]
    with override_settings(TEMPLATES=templates):
        document = issue_document(
            citizen, template_name="tests/licence.html", context={"business_name": "ຮ້ານ ຄຳ"}, type_code="licence"
        )

    html = rendered[0]
    assert '<html lang="lo">' in html
    assert "Licence for ຮ້ານ ຄຳ" in html
    assert 'src="data:image/png;base64,' in html
    assert document.payload in html
    assert document.type_code == "licence"


def test_the_qr_holds_the_verification_link(document: Document) -> None:
    base = settings.ELAOS_PUBLIC_URL.rstrip("/")
    assert services.verify_url(document.payload) == f"{base}/verify/?c={document.payload}"


@override_settings(ELAOS_PUBLIC_URL="https://test.e-laos.la/")
def test_the_verification_link_uses_the_public_url_setting() -> None:
    assert services.verify_url("ELA1.x") == "https://test.e-laos.la/verify/?c=ELA1.x"


def test_invalid_fields_issue_nothing(issue_document: IssueDocument, citizen: User) -> None:
    with pytest.raises(ValidationError) as error:
        issue_document(citizen, type_code="not a slug!")

    assert "type_code" in error.value.message_dict
    assert not Document.objects.exists()


def test_a_failed_save_leaves_no_file(
    issue_document: IssueDocument, citizen: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    files_before = set(private_media_root().rglob("*.pdf"))

    def fail(**kwargs: object) -> None:
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "audit_record", fail)

    with pytest.raises(RuntimeError, match="audit down"):
        issue_document(citizen)

    assert not Document.objects.exists()
    assert set(private_media_root().rglob("*.pdf")) == files_before


def test_revoke_records_when_and_why(document: Document, officer: User) -> None:
    services.document_revoke(actor=officer, document=document, reason="  Issued with a wrong birth date  ")

    document.refresh_from_db()
    assert document.is_revoked
    assert document.revocation_reason == "Issued with a wrong birth date"
    assert document.updated_by == officer
    event = audit_events_for(document).get(action="document.revoke")
    assert event.data == {"reason": "Issued with a wrong birth date"}


def test_revoke_needs_a_reason(document: Document, officer: User) -> None:
    with pytest.raises(ValidationError):
        services.document_revoke(actor=officer, document=document, reason="  ")

    document.refresh_from_db()
    assert not document.is_revoked


def test_a_document_is_revoked_once(document: Document, officer: User) -> None:
    services.document_revoke(actor=officer, document=document, reason="first")

    with pytest.raises(ValidationError):
        services.document_revoke(actor=officer, document=document, reason="second")


def test_opening_by_the_holder_is_not_audited_but_by_an_officer_is(
    document: Document, citizen: User, officer: User
) -> None:
    with services.document_open(actor=citizen, document=document) as file:
        assert file.read(5) == b"%PDF-"
    assert not audit_events_for(document).filter(action="document.download").exists()

    services.document_open(actor=officer, document=document).close()

    assert audit_events_for(document).get(action="document.download").actor == officer


def test_documents_of_different_issuers_are_independent(
    issue_document: IssueDocument, citizen: User, district_office: Organisation
) -> None:
    first = issue_document(citizen)
    second = issue_document(citizen, issuer=district_office)

    assert first.payload != second.payload
    assert first.sha256 != second.sha256
    assert (
        payload.verify_payload(second.payload, {k.kid: k.public_key for k in keys.public_record_keys()}).record[
            "issuer"
        ]
        == district_office.code
    )  # type: ignore[index]
