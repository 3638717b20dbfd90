"""Shapes of the safe-migration API, one per operation."""

import datetime
import uuid

from ninja import Field, Schema


class MigrationErrorOut(Schema):
    code: str = Field(description="A stable machine code: not_found, invalid, unauthenticated…")
    message: str = Field(description="A sentence in the request's language.")
    errors: dict[str, list[str]] | None = None


class AgencyListIn(Schema):
    q: str = Field("", description="A licence number (exact) or words of the name, in Lao or English.")
    status: str = Field("", description="active, suspended or revoked")


class AgencyOut(Schema):
    licence_number: str = Field(examples=["RA-2023-0001"])
    name_lo: str
    name_en: str
    status: str = Field(description="active, suspended or revoked")
    licensed_on: datetime.date
    licence_expires_on: datetime.date
    licensed_today: bool = Field(description="Active and not expired: it may send workers abroad today.")
    upheld_complaints: int


class SanctionOut(Schema):
    date: datetime.date
    from_status: str
    status: str
    reason: str


class AgencyDetailOut(AgencyOut):
    scope: str
    destination_countries: str
    head_office_address: str
    sanctions: list[SanctionOut]


class StatRowOut(Schema):
    code: str
    label: str
    count: int | None = Field(description="0 or at least k; null where it is not published (small numbers).")


class StatTableOut(Schema):
    code: str
    title: str
    rows: list[StatRowOut]
    total: int | None
    additive: bool = Field(description="False when one person may count in several rows.")


class StatisticsOut(Schema):
    k: int = Field(description="No published count lies between 1 and k − 1.", examples=[11])
    tables: list[StatTableOut]


class TimelineOut(Schema):
    status: str
    at: datetime.datetime
    note: str


class MigrantListOut(Schema):
    id: uuid.UUID
    reference: str = Field(examples=["MIG-7K2QH9XA"])
    status: str
    destination: str
    employer_name: str
    departure_date: datetime.date
    work_permit_expires_on: datetime.date | None


class MigrantOut(MigrantListOut):
    office: str
    sector: str
    job_title: str
    monthly_wage: int
    wage_currency: str
    hours_per_week: int
    monthly_deductions: int
    contract_months: int
    agency: str | None = Field(description="The agency's licence number.")
    passport_number: str
    passport_expires_on: datetime.date | None
    visa_number: str
    visa_expires_on: datetime.date | None
    work_permit_number: str
    orientation_completed_on: datetime.date | None
    health_check_on: datetime.date | None
    insurance_policy_number: str
    consent_purpose: str
    consented_at: datetime.datetime
    card_document_id: uuid.UUID | None
    timeline: list[TimelineOut]


class ComplaintIn(Schema):
    complainant_kind: str = Field(description="migrant or family", examples=["migrant"])
    anonymous: bool = False
    contact_phone: str = ""
    against: str = Field(description="agency or employer", examples=["agency"])
    agency: str = Field("", description="The agency's licence number, when against an agency.")
    employer_name: str = ""
    destination: str = ""
    category: str = Field(examples=["excess_fees"])
    description: str = Field(examples=["The agency asked for 9 million kip before departure."])
    submission_key: uuid.UUID | None = Field(None, description="Sending the same key again files nothing new.")


class ComplaintFiledOut(Schema):
    reference: str = Field(examples=["CMP-7K2QH9XA"])
    secret_code: str = Field(description="For anonymous complaints only, shown once; empty otherwise.")
    status: str
    due_at: datetime.datetime
    evidence_files: int = Field(0, description="How many evidence files were received with the complaint.")


class ComplaintLookupIn(Schema):
    reference: str = Field(examples=["CMP-7K2QH9XA"])
    code: str = Field(examples=["Q4ZP8M"])


class ComplaintStatusOut(Schema):
    reference: str = Field(examples=["CMP-7K2QH9XA"])
    category: str
    against: str
    status: str
    outcome: str
    outcome_note: str
    filed_at: datetime.datetime
    due_at: datetime.datetime


class InfoPageOut(Schema):
    country: str = Field(examples=["TH"])
    title_lo: str
    title_en: str
    rights_lo: str
    rights_en: str
    channels_lo: str
    channels_en: str
    agency_check_lo: str
    agency_check_en: str
    hotlines_lo: str
    hotlines_en: str
    updated_at: datetime.datetime
