import datetime

from ninja import Field, Schema


class VerifyIn(Schema):
    code: str = Field(
        min_length=1,
        max_length=4000,
        description="The code from the QR, or the /verify/?c= link",
        examples=["https://e.gov.la/verify/?c=ELA1.eyJkb2MiOiIuLi4ifQ.c2lnbmF0dXJl"],
    )


class VerifiedDocumentOut(Schema):
    id: str
    type_code: str = Field(examples=["residence-certificate"])
    title_lo: str
    title_en: str
    holder: str
    issuer_code: str
    issuer_name_lo: str
    issuer_name_en: str
    issued_on: datetime.date
    revoked_at: datetime.datetime | None


class VerifyOut(Schema):
    valid: bool
    reason: str = Field(
        description="ok, malformed, unknown_key, bad_signature, revoked, pdf_mismatch or not_found", examples=["ok"]
    )
    message: str
    document: VerifiedDocumentOut | None
