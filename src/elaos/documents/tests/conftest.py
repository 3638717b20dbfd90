import types
import uuid
from collections.abc import Callable

import pytest

from elaos.accounts.models import User
from elaos.agencies.models import Organisation
from elaos.documents import pdf, services
from elaos.documents.models import Document

IssueDocument = Callable[..., Document]


@pytest.fixture(scope="session")
def certificate_rendered_once() -> bytes:
    """The base certificate as WeasyPrint renders it, made once for the session."""
    holder = types.SimpleNamespace(
        get_full_name="ສົມໃຈ ແສງສຸລິຍາ", given_name_lo="ສົມໃຈ", given_name_latin="Somchai", family_name_latin="S"
    )
    return pdf.render_pdf(
        template_name=services.DEFAULT_TEMPLATE,
        context={
            "document": types.SimpleNamespace(public_id=uuid.uuid4(), title_lo="ໃບຢັ້ງຢືນ", title_en="Certificate"),
            "holder": holder,
            "issuer": types.SimpleNamespace(name_lo="ກະຊວງ", name_en="Ministry"),
            "payload": "ELA1.x.y.z",
            "verify_page": "https://e-laos.gov.la/verify/",
            "qr_data_uri": pdf.qr_data_uri("ELA1.x.y.z"),
        },
    )


@pytest.fixture(autouse=True)
def quick_rendering(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, certificate_rendered_once: bytes
) -> None:
    """WeasyPrint takes most of a second per document, so tests reuse one rendering; the signature, the
    embedded code and everything after are still made per document. Ask for `real_rendering` to render."""
    if "real_rendering" not in request.fixturenames:
        monkeypatch.setattr(pdf, "render_pdf", lambda **kwargs: certificate_rendered_once)


@pytest.fixture
def real_rendering() -> None:
    """Render each document with WeasyPrint (see `quick_rendering`)."""


@pytest.fixture
def issue_document(officer: User, ministry: Organisation) -> IssueDocument:
    """Issue a birth certificate to someone, signed by the ministry; keyword arguments override."""

    def issue(holder: User, **overrides: object) -> Document:
        fields: dict[str, object] = {
            "actor": officer,
            "holder": holder,
            "issuer": ministry,
            "type_code": "birth-certificate",
            "title_lo": "ໃບຢັ້ງຢືນການເກີດ",
            "title_en": "Birth certificate",
            "subject_type": "tests.subject",
            "subject_id": "1",
            **overrides,
        }
        return services.document_issue(**fields)  # type: ignore[arg-type]

    return issue


@pytest.fixture
def document(issue_document: IssueDocument, citizen: User) -> Document:
    """A birth certificate issued to the citizen."""
    return issue_document(citizen)
