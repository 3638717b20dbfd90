"""Input and output schemas of the Glass Accounts JSON API (one In/Out pair per operation)."""

import datetime
import uuid
from typing import Literal

from ninja import Field, Schema

LIMIT = Field(50, ge=1, le=500, description="Items per page (at most 500).")
CURSOR = Field("", max_length=200, description="The `next_cursor` of the previous page; empty for the first page.")
YEAR = Field(None, ge=2000, le=2100, description="Fiscal year (the calendar year in Laos).", examples=[2025])
AGENCY = Field("", max_length=40, description="An agency code; its offices are included.", examples=["moh"])


class ErrorOut(Schema):
    code: str = Field(
        description="A stable machine code: invalid, unknown_agency, unknown_payee, unknown_contract, "
        "unknown_budget_line, unknown_function, unknown_economic, bad_cursor, bad_range, filter_required, "
        "not_found.",
        examples=["unknown_agency"],
    )
    message: str = Field(description="A sentence in the request's language.", examples=["Unknown agency."])


class CodeNameOut(Schema):
    code: str = Field(examples=["moh"])
    name_lo: str = Field(examples=["ກະຊວງສາທາລະນະສຸກ"])
    name_en: str = Field(examples=["Ministry of Health"])


class PayeeRefOut(Schema):
    id: uuid.UUID
    name_lo: str = Field(examples=["ບໍລິສັດ ຢາລາວ ຈຳກັດ"])
    name_en: str = Field(examples=["Lao Pharma Co., Ltd"])
    kind: str = Field(examples=["company"])
    registration_number: str | None = Field(
        None, description="Companies' registration number; never shown for individuals."
    )


class PageOut(Schema):
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")
    next: str | None = Field(description="The address of the next page; null on the last page.")


# --- budget lines -----------------------------------------------------------------------------------------------------


class BudgetLineListIn(Schema):
    year: int | None = YEAR
    agency: str = AGENCY
    function: str = Field(
        "", max_length=20, description="A COFOG code; its sub-functions are included.", examples=["07"]
    )
    economic: str = Field("", max_length=20, description="An economic (GFS) class code.", examples=["22"])
    province: str = Field("", max_length=10, description="A province code.", examples=["01"])
    funding_source: Literal["", "domestic", "loan", "grant"] = ""
    limit: int = LIMIT
    cursor: str = CURSOR


class BudgetLineOut(Schema):
    id: uuid.UUID
    fiscal_year: int = Field(examples=[2025])
    code: str = Field(examples=["MOH-07.3-22-001"])
    name_lo: str
    name_en: str
    agency: CodeNameOut
    function: CodeNameOut
    economic: CodeNameOut
    programme: str | None
    province: str | None
    funding_source: str = Field(examples=["domestic"])
    proposed: int = Field(description="kip", examples=[1_200_000_000])
    approved: int = Field(description="kip", examples=[1_000_000_000])
    adjusted: int | None = Field(description="kip; null when the line was never adjusted")
    executed: int = Field(description="kip", examples=[640_000_000])
    url: str


class BudgetLinePageOut(PageOut):
    items: list[BudgetLineOut]


# --- transactions -----------------------------------------------------------------------------------------------------


class TransactionListIn(Schema):
    year: int | None = YEAR
    agency: str = AGENCY
    payee: uuid.UUID | None = Field(None, description="A payee id.")
    q: str = Field("", max_length=100, description="Words in the payee's name or the purpose (Lao or English).")
    min_amount: int | None = Field(None, ge=0, description="kip, inclusive", examples=[30_000_000])
    max_amount: int | None = Field(None, ge=0, description="kip, inclusive")
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    contract: str = Field("", max_length=120, description="A contract id: its payments.")
    budget_line: uuid.UUID | None = Field(None, description="A budget line id: the payments charged to it.")
    sort: Literal["-id", "-date", "-amount"] = Field(
        "-id",
        description="-id: latest published first (default); -date: by payment date, newest first (needs `agency`); "
        "-amount: largest first (needs `agency` or `year`). Each order is served by an index, whatever the size.",
    )
    limit: int = LIMIT
    cursor: str = CURSOR


class TransactionOut(Schema):
    id: int = Field(description="Stable public id.", examples=[123456])
    date: datetime.date
    fiscal_year: int
    reference: str = Field(description="The agency's voucher number.", examples=["PV-2025-0042"])
    agency: CodeNameOut
    payee: PayeeRefOut
    purpose_lo: str
    purpose_en: str
    amount: int = Field(description="kip", examples=[45_000_000])
    budget_line: str | None = Field(description="Budget code", examples=["MOH-07.3-22-001"])
    contract: str | None = Field(description="Contract id", examples=["ocds-elaos1-T00012-C1"])
    url: str


class TransactionPageOut(PageOut):
    items: list[TransactionOut]


# --- contracts --------------------------------------------------------------------------------------------------------


class ContractListIn(Schema):
    year: int | None = YEAR
    agency: str = AGENCY
    supplier: uuid.UUID | None = Field(None, description="A payee id.")
    status: Literal["", "pending", "active", "cancelled", "terminated"] = ""
    limit: int = LIMIT
    cursor: str = CURSOR


class ContractOut(Schema):
    contract_id: str = Field(examples=["ocds-elaos1-T00012-C1"])
    ocid: str | None = Field(examples=["ocds-elaos1-T00012"])
    fiscal_year: int
    agency: CodeNameOut
    supplier: PayeeRefOut
    title_lo: str
    title_en: str
    status: str
    value: int = Field(description="kip, as signed")
    current_value: int = Field(description="kip, after amendments")
    signed_on: datetime.date
    period_start: datetime.date | None
    period_end: datetime.date | None
    budget_line: str | None
    amendments: int
    url: str


class ContractPageOut(PageOut):
    items: list[ContractOut]


# --- red flags --------------------------------------------------------------------------------------------------------


class FlagListIn(Schema):
    year: int | None = YEAR
    agency: str = AGENCY
    kind: Literal["", "split_payment", "no_contract", "single_bid", "big_amendment", "new_payee"] = ""
    severity: Literal["", "low", "medium", "high"] = ""
    status: Literal["", "open", "explained", "closed"] = Field(
        "",
        description="Empty: the current flags (open or explained). closed: the flags whose condition no longer holds "
        "(with `closed_at` and `closed_reason`).",
    )
    limit: int = LIMIT
    cursor: str = CURSOR


class FlagOut(Schema):
    id: uuid.UUID
    kind: str = Field(examples=["split_payment"])
    severity: str = Field(examples=["high"])
    status: str = Field(examples=["open"])
    fiscal_year: int
    agency: CodeNameOut
    title_lo: str
    title_en: str
    explanation_lo: str
    explanation_en: str
    amount: int | None = Field(description="kip at stake")
    records: dict = Field(
        description="The records the flag rests on, by kind: transactions (ids), contracts (contract ids), "
        "amendments, awards, tenders (ocids), payees (ids).",
        examples=[{"transactions": [101, 102, 103], "payees": ["9b2f7c1e-0d5a-4c53-9a4e-0b8f1f7f3c11"]}],
    )
    details: dict
    detected_at: datetime.datetime
    closed_at: datetime.datetime | None = Field(None, description="When detection stopped finding it (closed flags).")
    closed_reason: str = Field("", examples=["condition no longer holds"])
    agency_response_lo: str
    agency_response_en: str
    url: str


class FlagPageOut(PageOut):
    items: list[FlagOut]


# --- publishing (agencies' staff) ---------------------------------------------------------------------------------


class PublicationIn(Schema):
    agency: str = Field(max_length=40, description="The agency published for (its code).", examples=["molsw"])
    information_type: Literal["budget_lines", "monthly_execution", "transactions", "procurement_plan", "contracts"] = (
        Field(description="What is published; the columns are those of its table schema (template).")
    )
    fiscal_year: int = Field(ge=2000, le=2100, examples=[2025])
    period_start: datetime.date | None = Field(None, description="Default: the whole fiscal year.")
    period_end: datetime.date | None = None
    rows: list[dict[str, str | int | None]] = Field(
        max_length=10_000,
        description="One object per row, keyed by the table schema's column names (missing keys are empty cells).",
        examples=[
            [
                {
                    "item_code": "PP-1",
                    "agency": "molsw",
                    "description_lo": "ຊື້ຄອມພິວເຕີ",
                    "category": "goods",
                    "method": "open",
                    "estimated_value": 300000000,
                    "planned_quarter": 2,
                }
            ]
        ],
    )
    mode: Literal["all", "keep_good"] = Field(
        "all", description="all: every row or none (refused when a row has an error); keep_good: the good rows only."
    )
    publish: bool = Field(True, description="false: validate only (the report, nothing published).")


class RowErrorOut(Schema):
    row: int = Field(description="1-based row (0: the file as a whole).")
    column: str
    code: str = Field(examples=["unknown_budget_line"])
    value: str
    message: str


class PublicationOut(Schema):
    id: uuid.UUID
    status: str = Field(examples=["published"], description="validated, invalid (nothing published), published.")
    information_type: str
    rows_total: int
    rows_valid: int
    rows_invalid: int
    rows_published: int
    errors_summary: dict[str, int]
    errors: list[RowErrorOut] = Field(description="The first 500 row errors.")
    url: str


# --- glass index ------------------------------------------------------------------------------------------------------


class GlassIndexIn(Schema):
    week: datetime.date | None = Field(None, description="Any day of the week wanted; the latest week by default.")


class GlassIndexRowOut(Schema):
    week: datetime.date
    agency: CodeNameOut
    rank: int | None
    score: float = Field(examples=[87.5])
    timeliness: float | None
    completeness: float | None
    components: list[dict] = Field(
        description="Per information type: due, on_time, late, missing, score, weight and the periods missing.",
        examples=[
            [
                {
                    "information_type": "transactions",
                    "weight": 3,
                    "due": 12,
                    "on_time": 10,
                    "late": 1,
                    "missing": 1,
                    "score": 87.5,
                }
            ]
        ],
    )


class GlassIndexOut(Schema):
    week: datetime.date | None
    items: list[GlassIndexRowOut]


class GlassIndexHistoryOut(Schema):
    agency: CodeNameOut
    weeks: list[GlassIndexRowOut]


# --- bulk downloads ---------------------------------------------------------------------------------------------------


class DumpOut(Schema):
    dataset: str = Field(examples=["ocds-release-package"])
    format: str = Field(examples=["json.gz"])
    rows: int
    size: int = Field(description="bytes")
    sha256: str
    generated_at: datetime.datetime
    url: str


class OpenDataIn(Schema):
    year: int | None = YEAR
    agency: str = AGENCY


class OcdsIn(Schema):
    year: int | None = YEAR
    agency: str = AGENCY
    ocid: str = Field("", max_length=100, description="One contracting process.")
    limit: int = Field(100, ge=1, le=1000, description="Contracting processes per page.")
    cursor: str = CURSOR
