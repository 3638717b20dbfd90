"""Shapes of the protection API, one per operation. Lists never carry identity fields."""

import datetime
import uuid

from ninja import Field, Schema


class ProtectionErrorOut(Schema):
    code: str = Field(description="A stable machine code: unauthenticated, not_found…")
    message: str = Field(description="A sentence in the request's language.")


class CaseListOut(Schema):
    id: uuid.UUID
    reference: str = Field(examples=["PC-2025-0004"])
    status: str = Field(description="active, follow_up or closed (HTCDS Status: Active, FollowUp, Closed).")
    trafficking_status: str = Field(description="possible, actual or not_a_victim (HTCDS TraffickingStatus).")
    office: str = Field(description="The code of the office holding the case.")
    assigned_to_me: bool
    opened_on: datetime.date


class IdentityOut(Schema):
    given_name: str
    family_name: str
    date_of_birth: datetime.date | None
    phone: str
    address: str
    id_document: str
    id_number: str


class CaseDetailOut(CaseListOut):
    migrant_type: str
    gender: str
    age_band: str = Field(description="Age when trafficked, in CTDC's bands.")
    citizenship: str
    province: str | None = Field(description="Home province code (01–18).")
    country_of_exploitation: str
    countries_of_transit: list[str]
    types_of_exploitation: list[str]
    methods_of_control: list[str]
    methods_of_recruitment: list[str]
    forced_labour_industry: str = Field(description="ISIC rev. 4 section letter, or empty.")
    vulnerabilities: list[str]
    recruited_on: datetime.date | None
    identified_on: datetime.date
    closed_on: datetime.date | None
    closure_reason: str
    identity: IdentityOut | None


class CaseNoteOut(Schema):
    author: str = Field(examples=["Khamla Vongsa"])
    text: str = Field(examples=["Referred to the shelter; family contacted."])
    created_at: datetime.datetime
