import datetime

from django.http import HttpRequest
from ninja import Router

from elaos.documents import selectors
from elaos.documents.schemas import VerifiedDocumentOut, VerifyIn, VerifyOut

router = Router(tags=["documents"])


@router.post("/verify", response=VerifyOut, auth=None, summary="Verify a document's QR code")
def verify(request: HttpRequest, data: VerifyIn) -> VerifyOut:
    """Checks the code's signature with the published keys and the document against the register (revoked?).
    `valid` is false with a stable `reason` for anything but a genuine, current document."""
    verification = selectors.document_verification(code=data.code)
    document, record = verification.document, verification.record
    return VerifyOut(
        valid=verification.valid,
        reason=verification.reason,
        message=verification.message,
        document=VerifiedDocumentOut(
            id=str(document.public_id),
            type_code=document.type_code,
            title_lo=document.title_lo,
            title_en=document.title_en,
            holder=record["holder"],
            issuer_code=document.issuer.code,
            issuer_name_lo=document.issuer.name_lo,
            issuer_name_en=document.issuer.name_en,
            issued_on=datetime.date.fromisoformat(record["issued"]),
            revoked_at=document.revoked_at,
        )
        if document is not None and record is not None
        else None,
    )
