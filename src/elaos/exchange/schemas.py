"""Input and output shapes of the exchange API: the citizen's consents and access log, and the agency datasets."""

import datetime
import uuid
from typing import Any, Literal

from ninja import Field, Schema


class ErrorOut(Schema):
    code: str = Field(
        description="A stable machine code: unauthenticated, not_found, invalid, insufficient_scope, "
        "consent_required, rate_limited, invalid_request, too_many_codes…"
    )
    message: str = Field(description="A sentence in the request's language.")
    error: str | None = Field(None, description="The OAuth 2.0 error (RFC 6750) where one applies.")
    errors: dict[str, list[str]] | None = Field(None, description="Problems by field name, when there are any.")


# Citizen: consents


class ConsentAgencyOut(Schema):
    code: str
    name_lo: str
    name_en: str


class ConsentOut(Schema):
    id: uuid.UUID
    agency: ConsentAgencyOut
    datasets: list[str] = Field(examples=[["person.address.read"]])
    purpose: str = Field(examples=["service_delivery"])
    valid_until: datetime.date
    status: str = Field(description="requested, awaiting_code, active, declined or revoked")
    in_force: bool = Field(description="Active and not past its end date: the agency may read the data.")
    requested_by_agency: bool
    request_note: str
    created_at: datetime.datetime
    confirmed_at: datetime.datetime | None
    revoked_at: datetime.datetime | None
    receipt_url: str | None = Field(None, description="The signed consent receipt, once the consent is active.")


class ConsentIn(Schema):
    agency: str = Field(description="The agency's organisation code.", examples=["molsw"])
    datasets: list[str] = Field(examples=[["person.address.read", "services.application.status"]])
    purpose: str = Field(examples=["service_delivery"])
    valid_until: datetime.date
    channel: Literal["sms", "email"] = Field("sms", description="Where the one-time code is sent.")


class ChannelIn(Schema):
    channel: Literal["sms", "email"] = Field("sms", description="Where the one-time code is sent.", examples=["sms"])


class CodeIn(Schema):
    code: str = Field(examples=["123456"])


class ReceiptOut(Schema):
    receipt: str = Field(
        description="Compact JWS (alg EdDSA); keys at /.well-known/elaos-keys.json by kid.",
        examples=["eyJhbGciOiJFZERTQSIsImtpZCI6ImNvbnNlbnQtMSJ9.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl"],
    )
    claims: dict[str, Any]


class ReceiptIn(Schema):
    receipt: str = Field(
        description="The compact JWS of a consent receipt.",
        examples=["eyJhbGciOiJFZERTQSIsImtpZCI6ImNvbnNlbnQtMSJ9.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl"],
    )


class ReceiptCheckOut(Schema):
    valid: bool = Field(description="The signature is genuine (an e-Laos key signed exactly this receipt).")
    reason: str = Field(description="ok, malformed, unknown_key or bad_signature", examples=["ok"])
    state: str = Field(description="The consent now: active, expired, revoked or unknown.")
    claims: dict[str, Any] | None


class AccessLogOut(Schema):
    at: datetime.datetime
    what: str = Field(examples=["Your address"])
    who: str = Field(description="The agency system or the officer who read the data.")
    office: str
    purpose: str
    dataset: str
    reference: str


# Agencies: datasets


class NpaEntryOut(Schema):
    registration_number: str = Field(examples=["NPA-2024-0001"])
    name_lo: str
    name_en: str
    type: str
    level: str
    status: str = Field(description="active, suspended or dissolved")
    registered_on: datetime.date
    province: str | None
    sector: str | None


class LicenceOut(Schema):
    licence_number: str = Field(examples=["RA-0012"])
    name_lo: str
    name_en: str
    status: str = Field(description="The licence status in the register: active, suspended, revoked or expired.")
    licensed_on: datetime.date
    expires_on: datetime.date


class PersonApplicationOut(Schema):
    reference: str = Field(examples=["APP-2025-000042"])
    service: str
    state: str
    submitted_at: datetime.datetime | None
    decided_at: datetime.datetime | None


class PersonApplicationsOut(Schema):
    person: uuid.UUID = Field(description="The person's e-Laos id (also the consent receipt's `sub`).")
    applications: list[PersonApplicationOut]


class AddressOut(Schema):
    person: uuid.UUID
    province: str | None = Field(description="Province code")
    district: str | None = Field(description="District code")
    village_lo: str | None
    address_line: str = Field(examples=["House 12, Unit 3"])


class ConsentCheckOut(Schema):
    granted: bool = Field(
        description="The person has an active consent for your agency and this dataset.", examples=[True]
    )


class ConsentRequestIn(Schema):
    person: str = Field(
        description="The person's e-Laos id or national ID number.", examples=["4b0c1f52-8f0e-4a39-9d2a-3c2f6e0b7a11"]
    )
    datasets: list[str] = Field(examples=[["person.address.read"]])
    purpose: str = Field(examples=["service_delivery"])
    valid_until: datetime.date
    note: str = Field("", max_length=500, description="Shown to the person: why you ask.")


class ConsentRequestOut(Schema):
    status: str = Field(
        description="Always 'requested': whether the person exists is not disclosed.", examples=["requested"]
    )
