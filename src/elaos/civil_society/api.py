"""The NPA register's JSON API: the list, one association, and the whole register for bulk download. Everything
here is public and read-only; changes go through the HTML back office."""

import csv
import io

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Path, Query, Router
from ninja.pagination import paginate

from elaos.civil_society import selectors
from elaos.civil_society.models import Npa
from elaos.civil_society.schemas import (
    AnnualReportOut,
    DashboardCountOut,
    DecisionTimesOut,
    IncomeLineOut,
    MoneyLineOut,
    NpaCodeNameOut,
    NpaDashboardOut,
    NpaDetailOut,
    NpaErrorOut,
    NpaExportOut,
    NpaListIn,
    NpaListOut,
    NpaReportsErrorOut,
    NpaReportsOut,
    NpaReportYearOut,
    OfficerOut,
    ProjectOut,
    SectorOut,
    StatusChangeOut,
)

router = Router(tags=["npas"])

CSV_COLUMNS = [
    "registration_number",
    "name_lo",
    "name_en",
    "abbreviation",
    "type",
    "level",
    "status",
    "status_date",
    "status_reason",
    "registered_on",
    "sector",
    "line_ministry",
    "province",
    "district",
    "address",
    "objectives_lo",
    "objectives_en",
    "officers",
    "latest_report_year",
    "latest_report_income_kip",
    "latest_report_foreign_income_kip",
    "latest_report_spending_kip",
    "latest_report_late",
    "approved_projects",
    "url",
]


CSV_EXAMPLE = "registration_number,name_en,status\r\nNPA-2024-0001,Mother and Child Aid,active\r\n"


def _url(request: HttpRequest, npa: Npa) -> str:
    return request.build_absolute_uri(reverse("npas:profile", args=[npa.registration_number]))


def _list_out(request: HttpRequest, npa: Npa) -> NpaListOut:
    return NpaListOut(
        registration_number=npa.registration_number,
        name_lo=npa.name_lo,
        name_en=npa.name_en,
        abbreviation=npa.abbreviation,
        type=npa.type,
        level=npa.level,
        status=npa.status,
        status_date=npa.status_date,
        registered_on=npa.registered_on,
        sector=npa.sector.code if npa.sector else None,
        province=npa.province.code if npa.province else None,
        url=_url(request, npa),
    )


def _detail_out(request: HttpRequest, npa: Npa) -> NpaDetailOut:
    latest = selectors.latest_status_change(npa)
    reports = {r.year: r for r in selectors.finances_by_year(npa)}
    return NpaDetailOut(
        registration_number=npa.registration_number,
        name_lo=npa.name_lo,
        name_en=npa.name_en,
        abbreviation=npa.abbreviation,
        type=npa.type,
        level=npa.level,
        status=npa.status,
        status_reason=latest.reason if latest and npa.status != Npa.Status.ACTIVE else "",
        status_date=latest.date if latest else None,
        registered_on=npa.registered_on,
        sector=SectorOut(
            code=npa.sector.code,
            name_lo=npa.sector.name_lo,
            name_en=npa.sector.name_en,
            line_ministry=NpaCodeNameOut(
                code=npa.sector.line_ministry.code,
                name_lo=npa.sector.line_ministry.name_lo,
                name_en=npa.sector.line_ministry.name_en,
            ),
        )
        if npa.sector
        else None,
        province=NpaCodeNameOut(code=npa.province.code, name_lo=npa.province.name_lo, name_en=npa.province.name_en)
        if npa.province
        else None,
        district=NpaCodeNameOut(code=npa.district.code, name_lo=npa.district.name_lo, name_en=npa.district.name_en)
        if npa.district
        else None,
        address=npa.address,
        objectives_lo=npa.objectives_lo,
        objectives_en=npa.objectives_en,
        officers=[
            OfficerOut(name_lo=o.name_lo, name_latin=o.name_latin, role=o.role, since=o.since, until=o.until)
            for o in npa.officers.all()
        ],
        status_history=[
            StatusChangeOut(status=c.status, from_status=c.from_status, date=c.date, reason=c.reason)
            for c in npa.status_changes.all()
        ],
        annual_reports=[
            AnnualReportOut(
                year=year,
                submitted_at=row.submitted_at,
                deadline=row.deadline,
                late=row.late,
                income_kip=row.income_kip,
                foreign_income_kip=row.foreign_income_kip,
                spending_kip=row.spending_kip,
                activities_lo=row.report.activities_lo,
                activities_en=row.report.activities_en,
                income=[
                    IncomeLineOut(name_lo=i.source_lo, name_en=i.source_en, amount_kip=i.amount_kip, foreign=i.foreign)
                    for i in row.report.income.all()
                ],
                spending=[
                    MoneyLineOut(name_lo=s.purpose_lo, name_en=s.purpose_en, amount_kip=s.amount_kip)
                    for s in row.report.spending.all()
                ],
            )
            for year, row in reports.items()
        ],
        approved_projects=[
            ProjectOut(
                title_lo=p.title_lo,
                title_en=p.title_en,
                budget_kip=p.budget_kip,
                foreign_funding_kip=p.foreign_funding_kip,
                funder=p.funder,
                approved_on=p.approved_on,
            )
            for p in npa.approved_projects
        ],
        url=_url(request, npa),
    )


def _filters(params: NpaListIn) -> selectors.RegisterFilters:
    return selectors.RegisterFilters(**params.dict())


@router.get("/npas", response=list[NpaListOut], summary="The register of non-profit associations")
@paginate
def npa_list(request: HttpRequest, filters: Query[NpaListIn]) -> list[NpaListOut]:
    """Registered associations, suspended and dissolved ones included, by registration number; with `q`, the best
    matches first."""
    npas = selectors.npa_register(_filters(filters))
    return [_list_out(request, npa) for npa in npas]


@router.get("/npas/export.json", response=NpaExportOut, summary="The whole register as JSON")
def npa_export_json(request: HttpRequest) -> NpaExportOut:
    """Every association with everything the register publishes about it (the same shape as one association)."""
    npas = [_detail_out(request, npa) for npa in selectors.npa_export()]
    return NpaExportOut(generated_at=timezone.now(), count=len(npas), npas=npas)


@router.get(
    "/npas/export.csv",
    summary="The whole register as CSV",
    response={200: None},
    openapi_extra={
        "responses": {
            200: {
                "description": "The register as CSV",
                "content": {
                    "text/csv": {"schema": {"type": "string"}, "example": CSV_EXAMPLE},
                },
            }
        }
    },
)
def npa_export_csv(request: HttpRequest) -> HttpResponse:
    """One row per association (UTF-8 with a byte-order mark, so spreadsheets read Lao). Officers are listed as
    "role: name" separated by "; "; finances are those of the latest annual report."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for npa in selectors.npa_export():
        detail = _detail_out(request, npa)
        latest = detail.annual_reports[-1] if detail.annual_reports else None
        writer.writerow(
            {
                **{k: v for k, v in detail.dict().items() if k in CSV_COLUMNS and not isinstance(v, dict | list)},
                "sector": detail.sector.code if detail.sector else "",
                "line_ministry": detail.sector.line_ministry.code if detail.sector else "",
                "province": detail.province.code if detail.province else "",
                "district": detail.district.code if detail.district else "",
                "officers": "; ".join(f"{o.role}: {o.name_lo}" for o in detail.officers if o.until is None),
                "latest_report_year": latest.year if latest else "",
                "latest_report_income_kip": latest.income_kip if latest else "",
                "latest_report_foreign_income_kip": latest.foreign_income_kip if latest else "",
                "latest_report_spending_kip": latest.spending_kip if latest else "",
                "latest_report_late": ("yes" if latest.late else "no") if latest else "",
                "approved_projects": len(detail.approved_projects),
            }
        )
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="npa-register.csv"'
    return response


@router.get(
    "/npas/{registration_number}",
    response={200: NpaDetailOut, 404: NpaErrorOut},
    summary="One association of the register",
)
def npa_detail(
    request: HttpRequest, registration_number: str = Path(description="NPA-<year>-<number>", examples=["NPA-2018-0001"])
) -> NpaDetailOut:
    return _detail_out(request, selectors.npa_detail(registration_number))


# Reports by year and the dashboard's numbers (two path segments after /npas/: they never meet the catch-all)


@router.get(
    "/npas/{registration_number}/reports",
    response={200: NpaReportsOut, 404: NpaReportsErrorOut},
    summary="An association's annual reports: years with totals",
)
def npa_reports(
    request: HttpRequest, registration_number: str = Path(description="NPA-<year>-<number>", examples=["NPA-2018-0001"])
) -> NpaReportsOut:
    npa = selectors.npa_detail(registration_number)
    return NpaReportsOut(
        registration_number=npa.registration_number,
        years=[
            NpaReportYearOut(
                year=row.year,
                submitted_at=row.submitted_at,
                deadline=row.deadline,
                late=row.late,
                income_kip=row.income_kip,
                domestic_income_kip=row.domestic_income_kip,
                foreign_income_kip=row.foreign_income_kip,
                spending_kip=row.spending_kip,
            )
            for row in selectors.finances_by_year(npa)
        ],
        missing_years=selectors.missing_report_years(npa, today=timezone.localdate()),
    )


def _times_out(groups: list[selectors.DecisionTimes]) -> list[DecisionTimesOut]:
    return [
        DecisionTimesOut(
            code=g.code,
            name_lo=g.name_lo,
            name_en=g.name_en,
            decisions=g.count,
            median_working_days=g.median,
            max_working_days=g.max,
            within_deadline_percent=g.within_deadline,
        )
        for g in groups
    ]


@router.get("/npa-dashboard", response=NpaDashboardOut, summary="The numbers behind the NPA dashboard")
def npa_dashboard(request: HttpRequest) -> NpaDashboardOut:
    """Associations by sector and by province, and registration decision times in working days against the
    statutory deadline, by decision (stage) and by province (final decisions)."""
    by_sector = selectors.npa_counts_by("sector")
    times = selectors.registration_times()
    return NpaDashboardOut(
        total=sum(r.count for r in by_sector),
        by_sector=[DashboardCountOut(**vars(r)) for r in by_sector],
        by_province=[DashboardCountOut(**vars(r)) for r in selectors.npa_counts_by("province")],
        statutory_deadline_working_days=times.deadline_days,
        decision_times_by_stage=_times_out(times.by_stage),
        decision_times_by_province=_times_out(times.by_province),
    )
