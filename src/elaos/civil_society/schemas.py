"""Input and output shapes of the NPA register API. Public fields only: the register is open data."""

import datetime

from ninja import Field, Schema


class NpaErrorOut(Schema):
    code: str = Field(description="A stable machine code: not_found, invalid…")
    message: str = Field(description="A sentence in the request's language.")


class NpaListIn(Schema):
    q: str = Field(
        "", description="Words to look for in names and objectives, in Lao (with or without spaces) or English."
    )
    sector: str = Field("", description="A sector code, such as health.")
    province: str = Field("", description="A province code, such as 01 for Vientiane Capital.")
    level: str = Field("", description="national, provincial or district.")
    status: str = Field("", description="active, suspended or dissolved.")
    type: str = Field("", description="economic, professional_technical_creative, social_welfare or other.")


class NpaCodeNameOut(Schema):
    code: str
    name_lo: str
    name_en: str


class SectorOut(NpaCodeNameOut):
    line_ministry: NpaCodeNameOut


class StatusChangeOut(Schema):
    status: str = Field(description="active, suspended or dissolved.")
    from_status: str = Field(description="The status before; empty for the registration itself.")
    date: datetime.date
    reason: str


class OfficerOut(Schema):
    name_lo: str
    name_latin: str
    role: str = Field(description="president, vice_president, secretary, treasurer or member.")
    since: datetime.date
    until: datetime.date | None


class MoneyLineOut(Schema):
    name_lo: str
    name_en: str
    amount_kip: int = Field(description="Whole kip.")


class IncomeLineOut(MoneyLineOut):
    foreign: bool = Field(description="Received from abroad.")


class AnnualReportOut(Schema):
    year: int
    submitted_at: datetime.datetime
    deadline: datetime.date
    late: bool = Field(description="Filed after the deadline.")
    income_kip: int
    foreign_income_kip: int
    spending_kip: int
    activities_lo: str
    activities_en: str
    income: list[IncomeLineOut]
    spending: list[MoneyLineOut]


class ProjectOut(Schema):
    title_lo: str
    title_en: str
    budget_kip: int
    foreign_funding_kip: int
    funder: str
    approved_on: datetime.date | None


class NpaListOut(Schema):
    registration_number: str = Field(
        description="The stable identifier, NPA-<year>-<number>.", examples=["NPA-2024-0001"]
    )
    name_lo: str
    name_en: str
    abbreviation: str
    type: str
    level: str
    status: str
    status_date: datetime.date | None = Field(description="When the current status began.")
    registered_on: datetime.date
    sector: str | None = Field(description="The sector code.")
    province: str | None = Field(description="The province code.")
    url: str


class NpaDetailOut(Schema):
    registration_number: str = Field(examples=["NPA-2024-0001"])
    name_lo: str
    name_en: str
    abbreviation: str
    type: str
    level: str
    status: str
    status_reason: str = Field(description="Why the association is suspended or dissolved; empty when active.")
    status_date: datetime.date | None
    registered_on: datetime.date
    sector: SectorOut | None
    province: NpaCodeNameOut | None
    district: NpaCodeNameOut | None
    address: str
    objectives_lo: str
    objectives_en: str
    officers: list[OfficerOut]
    status_history: list[StatusChangeOut]
    annual_reports: list[AnnualReportOut]
    approved_projects: list[ProjectOut]
    url: str


class NpaExportOut(Schema):
    generated_at: datetime.datetime
    count: int
    npas: list[NpaDetailOut]


class NpaReportsErrorOut(Schema):
    code: str = Field(description="A stable machine code: not_found.")
    message: str = Field(description="A sentence in the request's language.")


class NpaReportYearOut(Schema):
    year: int
    submitted_at: datetime.datetime
    deadline: datetime.date
    late: bool = Field(description="Filed after the deadline.")
    income_kip: int = Field(description="Whole kip.")
    domestic_income_kip: int
    foreign_income_kip: int
    spending_kip: int


class NpaReportsOut(Schema):
    registration_number: str = Field(examples=["NPA-2024-0001"])
    years: list[NpaReportYearOut]
    missing_years: list[int] = Field(description="Recent years whose deadline passed with no report.")


class DashboardCountOut(Schema):
    code: str = Field(description="The sector or province code; empty when not recorded.", examples=["health"])
    name_lo: str
    name_en: str
    count: int


class DecisionTimesOut(Schema):
    code: str = Field(description="The decision (stage) code, or the province code; empty when not recorded.")
    name_lo: str
    name_en: str
    decisions: int
    median_working_days: float | None
    max_working_days: int | None
    within_deadline_percent: int | None = Field(description="Share of decisions within the statutory deadline.")


class NpaDashboardOut(Schema):
    total: int
    by_sector: list[DashboardCountOut]
    by_province: list[DashboardCountOut]
    statutory_deadline_working_days: int | None
    decision_times_by_stage: list[DecisionTimesOut]
    decision_times_by_province: list[DecisionTimesOut]
