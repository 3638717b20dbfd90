"""Input and output shapes of the public-services API, one pair per operation."""

import datetime
import uuid
from typing import Any

from ninja import Field, Schema


class ErrorOut(Schema):
    code: str = Field(description="A stable machine code: not_found, unauthenticated, invalid, not_editable…")
    message: str = Field(description="A sentence in the request's language.")
    errors: dict[str, list[str]] | None = Field(None, description="Problems by field name, when there are any.")


class ServiceAgencyOut(Schema):
    code: str
    name_lo: str
    name_en: str


class ServiceListIn(Schema):
    q: str = Field("", description="Words to look for, in Lao or English.")
    agency: str = Field("", description="An organisation code: its services and those of its departments.")
    life_event: str = Field("", description="A life event code, such as moving-house.")


class ServiceListOut(Schema):
    code: str = Field(examples=["residence-certificate"])
    name_lo: str
    name_en: str
    summary_lo: str
    summary_en: str
    agency: ServiceAgencyOut
    fee_kip: int = Field(description="The total fee in kip (an integer; 0 when free).")
    sla_days: int | None = Field(description="The service level in working days.")


class FeeOut(Schema):
    code: str
    name_lo: str
    name_en: str
    amount_kip: int


class RequiredDocumentOut(Schema):
    code: str
    name_lo: str
    name_en: str
    required: bool
    types: list[str] = Field(description="Accepted file kinds: pdf, jpeg, png.")
    max_mb: float


class ServiceDetailOut(Schema):
    code: str = Field(examples=["residence-certificate"])
    version: int
    name_lo: str
    name_en: str
    summary_lo: str
    summary_en: str
    description_lo: str
    description_en: str
    eligibility_lo: str
    eligibility_en: str
    legal_basis_lo: str
    legal_basis_en: str
    agency: ServiceAgencyOut
    sla_days: int
    channels: list[str]
    fee_kip: int
    fees: list[FeeOut]
    documents: list[RequiredDocumentOut]
    form_schema: dict[str, Any] = Field(
        description="A JSON Schema (draft 2020-12) of the form data the service asks for."
    )
    form_ui: dict[str, Any] = Field(description="Labels, help texts, widgets and order of the fields, by field name.")
    categories: list[str]
    life_events: list[str]


class ApplicationCreateIn(Schema):
    service: str = Field(description="The code of the service to apply for.", examples=["residence-certificate"])


class ApplicationDraftIn(Schema):
    data: dict[str, Any] = Field(
        description="The form data typed so far, by field name; checked at submission.",
        examples=[{"purpose": "Opening a bank account"}],
    )


class TimelineEntryOut(Schema):
    at: datetime.datetime
    transition: str
    transition_name: str
    from_state: str
    to_state: str
    to_state_name: str
    by: str = Field(description="Who moved it: applicant, office or system.")
    reason: str


class ApplicationFileOut(Schema):
    id: uuid.UUID
    requirement: str
    name: str
    content_type: str
    size: int
    uploaded_at: datetime.datetime


class ApplicationListOut(Schema):
    id: uuid.UUID
    reference: str = Field(examples=["APP-2025-000042"])
    service: str
    service_name: str
    state: str
    state_name: str
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None


class ApplicationOut(Schema):
    id: uuid.UUID
    reference: str = Field(examples=["APP-2025-000042"])
    service: str
    service_name: str
    service_version: int
    state: str = Field(description="The state code in the service's workflow.")
    state_name: str = Field(description="The state's name in the request's language.")
    finished: bool = Field(description="True once the application reached a final state.")
    editable: bool = Field(description="True while the applicant may change the form data.")
    data: dict[str, Any]
    files: list[ApplicationFileOut]
    submission_errors: dict[str, list[str]] = Field(
        description="What stops an editable application from being submitted, by field or document code."
    )
    timeline: list[TimelineEntryOut]
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    payment_id: uuid.UUID | None
    document_id: uuid.UUID | None


class IssuedDocumentOut(Schema):
    id: uuid.UUID
    download_url: str = Field(examples=["https://e.gov.la/documents/4b0c1f52-8f0e-4a39-9d2a-3c2f6e0b7a11/download/"])
