"""Writes of the Glass Accounts: rollups, publication batches (upload → validate → publish), reference data.

Rollups are recomputed, never incremented: ``rollups_refresh`` deletes and re-aggregates the affected
(agency, fiscal year) slices in set-based SQL that runs the same on SQLite and PostgreSQL, so they always equal the
raw sums (tested)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from elaos.core.audit import audit_record

from .models import FiscalYear, ImportBatch, InformationType, PublicationDeadline

# --- rollups ---------------------------------------------------------------------------------------------------


def _in_list(column: str, values: Iterable[int]) -> tuple[str, list[int]]:
    values = sorted(set(values))
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


@transaction.atomic
def rollups_refresh(*, fiscal_years: Iterable[int] | None = None, agency_ids: Iterable[int] | None = None) -> None:
    """Recompute the rollup tables. Transaction rollups (AgencyMonthTotal, PayeeAgencyYearTotal and the
    transaction columns of AgencyYearTotal) only for the given agencies (all when None) in the given years (all
    when None); budget rollups (BudgetLine.executed, AgencyYearTotal phases, FunctionYearTotal,
    ProvinceYearTotal) for the whole of the given years — budget lines are few."""
    years = (
        sorted(set(fiscal_years))
        if fiscal_years is not None
        else list(FiscalYear.objects.values_list("year", flat=True))
    )
    if not years:
        return
    agencies = sorted(set(agency_ids)) if agency_ids is not None else None
    year_sql, year_params = _in_list("fiscal_year_id", years)
    tx_where, tx_params = year_sql, list(year_params)
    if agencies is not None:
        if not agencies:
            agencies = []
        else:
            agency_sql, agency_params = _in_list("agency_id", agencies)
            tx_where += f" AND {agency_sql}"
            tx_params += agency_params
    with connection.cursor() as cur:
        if agencies != []:
            cur.execute(f"DELETE FROM budget_agencymonthtotal WHERE {tx_where}", tx_params)  # noqa: S608
            month = (
                "EXTRACT(MONTH FROM date)"
                if connection.vendor == "postgresql"
                else "CAST(strftime('%%m', date) AS INTEGER)"
            )
            cur.execute(
                f"""INSERT INTO budget_agencymonthtotal (agency_id, fiscal_year_id, month, amount, count)
                    SELECT agency_id, fiscal_year_id, {month}, SUM(amount), COUNT(*) FROM budget_transaction
                    WHERE {tx_where} GROUP BY agency_id, fiscal_year_id, {month}""",  # noqa: S608
                tx_params,
            )
            cur.execute(f"DELETE FROM budget_payeeagencyyeartotal WHERE {tx_where}", tx_params)  # noqa: S608
            cur.execute(
                f"""INSERT INTO budget_payeeagencyyeartotal (payee_id, agency_id, fiscal_year_id, amount, count)
                    SELECT payee_id, agency_id, fiscal_year_id, SUM(amount), COUNT(*) FROM budget_transaction
                    WHERE {tx_where} GROUP BY payee_id, agency_id, fiscal_year_id""",  # noqa: S608
                tx_params,
            )
        # What each payee received, all years and agencies (payee search ranks by it).
        cur.execute(
            """UPDATE budget_payee SET total_received = COALESCE((SELECT SUM(t.amount)
               FROM budget_payeeagencyyeartotal t WHERE t.payee_id = budget_payee.id), 0)"""
        )
        # Budget lines: executed = sum of the monthly execution.
        cur.execute(
            f"""UPDATE budget_budgetline SET executed = COALESCE((SELECT SUM(m.executed)
                FROM budget_monthlyexecution m WHERE m.budget_line_id = budget_budgetline.id), 0)
                WHERE {year_sql}""",  # noqa: S608
            year_params,
        )
        # AgencyYearTotal: one row per agency with budget lines or transactions in the year.
        cur.execute(f"DELETE FROM budget_agencyyeartotal WHERE {year_sql}", year_params)  # noqa: S608
        cur.execute(
            f"""INSERT INTO budget_agencyyeartotal (agency_id, fiscal_year_id, proposed, approved, adjusted, executed,
                    transactions_amount, transactions_count)
                SELECT agency_id, fiscal_year_id, SUM(proposed), SUM(approved), SUM(adjusted), SUM(executed),
                    SUM(tx_amount), SUM(tx_count) FROM (
                  SELECT agency_id, fiscal_year_id, proposed, approved, COALESCE(adjusted, approved) AS adjusted,
                         executed, 0 AS tx_amount, 0 AS tx_count
                  FROM budget_budgetline WHERE {year_sql} AND archived_at IS NULL
                  UNION ALL
                  SELECT agency_id, fiscal_year_id, 0, 0, 0, 0, amount, count
                  FROM budget_agencymonthtotal WHERE {year_sql}
                ) u GROUP BY agency_id, fiscal_year_id""",  # noqa: S608
            year_params + year_params,
        )
        cur.execute(f"DELETE FROM budget_functionyeartotal WHERE {year_sql}", year_params)  # noqa: S608
        cur.execute(
            f"""INSERT INTO budget_functionyeartotal (function_id, fiscal_year_id, proposed, approved, adjusted,
                    executed)
                SELECT t.id, b.fiscal_year_id, SUM(b.proposed), SUM(b.approved), SUM(COALESCE(b.adjusted,
                    b.approved)), SUM(b.executed)
                FROM budget_budgetline b JOIN budget_functionclass f ON f.id = b.function_id
                JOIN budget_functionclass t ON t.code = SUBSTR(f.code, 1, 2)
                WHERE b.{year_sql} AND b.archived_at IS NULL GROUP BY t.id, b.fiscal_year_id""",  # noqa: S608
            year_params,
        )
        cur.execute(f"DELETE FROM budget_provinceyeartotal WHERE {year_sql}", year_params)  # noqa: S608
        cur.execute(
            f"""INSERT INTO budget_provinceyeartotal (province_id, fiscal_year_id, proposed, approved, adjusted,
                    executed)
                SELECT province_id, fiscal_year_id, SUM(proposed), SUM(approved), SUM(COALESCE(adjusted, approved)),
                    SUM(executed)
                FROM budget_budgetline WHERE {year_sql} AND archived_at IS NULL
                GROUP BY province_id, fiscal_year_id""",  # noqa: S608
            year_params,
        )


# --- fiscal years and deadlines --------------------------------------------------------------------------------


def fiscal_year_ensure(year: int, *, status: str | None = None) -> FiscalYear:
    fy, created = FiscalYear.objects.get_or_create(year=year, defaults={"status": status or "executing"})
    if status and not created and fy.status != status:
        fy.status = status
        fy.save(update_fields=["status"])
    return fy


def _periods(info: InformationType, year: int) -> list[tuple[datetime.date, datetime.date]]:
    if info.period == InformationType.Period.ANNUAL:
        return [(datetime.date(year, 1, 1), datetime.date(year, 12, 31))]
    step = 3 if info.period == InformationType.Period.QUARTERLY else 1
    periods = []
    for m in range(1, 13, step):
        start = datetime.date(year, m, 1)
        end_month = m + step
        end = (
            datetime.date(year + 1, 1, 1) if end_month > 12 else datetime.date(year, end_month, 1)
        ) - datetime.timedelta(days=1)
        periods.append((start, end))
    return periods


def deadline_due_on(info: InformationType, start: datetime.date, end: datetime.date) -> datetime.date:
    anchor = start if info.deadline_from == InformationType.DeadlineFrom.PERIOD_START else end
    return anchor + datetime.timedelta(days=info.deadline_days)


def deadlines_ensure(*, agency_ids: Iterable[int], year: int) -> int:
    """Create the publication deadlines of a year for the given agencies (idempotent); returns how many were
    created."""
    infos = list(InformationType.objects.filter(required=True))
    existing = set(
        PublicationDeadline.objects.filter(period_start__year=year).values_list(
            "agency_id", "information_type_id", "period_start"
        )
    )
    new = [
        PublicationDeadline(
            agency_id=agency_id,
            information_type=info,
            period_start=start,
            period_end=end,
            due_on=deadline_due_on(info, start, end),
        )
        for agency_id in agency_ids
        for info in infos
        for start, end in _periods(info, year)
        if (agency_id, info.id, start) not in existing
    ]
    PublicationDeadline.objects.bulk_create(new, batch_size=2000)
    return len(new)


def deadlines_fulfil(batch: ImportBatch) -> int:
    """Mark the deadlines a published batch covers (its agency, its type, periods overlapping the batch period)."""
    if batch.period_start is None or batch.period_end is None:
        return 0
    published_on = timezone.localdate(batch.published_at) if batch.published_at else timezone.localdate()
    return PublicationDeadline.objects.filter(
        agency_id=batch.agency_id,
        information_type_id=batch.information_type_id,
        period_start__lte=batch.period_end,
        period_end__gte=batch.period_start,
        fulfilled_on__isnull=True,
    ).update(fulfilled_on=published_on, batch=batch)


# --- publication batches -----------------------------------------------------------------------------------------
# The heavy lifting is in imports.py; these are the entry points the views and the API call.


def batch_create(
    *,
    actor,  # type: ignore[no-untyped-def]
    agency,
    information_type: InformationType,
    uploaded_file=None,
    content: bytes | None = None,
    filename: str = "",
    fiscal_year: int | None = None,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    mode: str = ImportBatch.Mode.ALL_OR_NOTHING,
    validate: bool = True,
) -> ImportBatch:
    """Store an upload (a Django UploadedFile, or raw ``content`` bytes from the API) as a new batch and, when
    ``validate``, validate it: inline for small files, as a background task for large ones. ``filename`` decides
    the format (.xlsx, else CSV)."""
    from django.conf import settings
    from django.core.files.base import ContentFile

    from . import imports

    name = filename or getattr(uploaded_file, "name", "") or "upload.csv"
    fmt = ImportBatch.Format.XLSX if name.lower().endswith(".xlsx") else ImportBatch.Format.CSV
    if fiscal_year is None and period_start is not None:
        fiscal_year = period_start.year
    if fiscal_year is not None:
        fiscal_year_ensure(fiscal_year)
    if fiscal_year is not None and period_start is None:
        period_start, period_end = datetime.date(fiscal_year, 1, 1), datetime.date(fiscal_year, 12, 31)
    with transaction.atomic():
        batch = ImportBatch(
            agency=agency,
            information_type=information_type,
            fiscal_year_id=fiscal_year,
            period_start=period_start,
            period_end=period_end,
            original_filename=name[:255],
            file_format=fmt,
            mode=mode,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        data = content if content is not None else uploaded_file.read()
        batch.file.save(name.rsplit("/", 1)[-1][:100], ContentFile(data), save=False)
        batch.full_clean(exclude=["file"])
        batch.save()
        audit_record(
            actor=actor,
            action="budget.batch_upload",
            obj=batch,
            data={"agency": agency.code, "type": information_type.code, "file": name, "bytes": len(data)},
        )
    if validate:
        if len(data) > settings.GLASS_BACKGROUND_ROWS * 80:
            batch_validate_later(batch)
        else:
            imports.batch_validate(batch)
            batch.refresh_from_db()
    return batch


def batch_validate_later(batch: ImportBatch) -> None:
    from elaos.core.tasks import enqueue_on_commit

    from .tasks import budget_batch_validate

    with transaction.atomic():
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.VALIDATING, progress=0, progress_message="queued"
        )
        enqueue_on_commit(budget_batch_validate, batch.pk)


def batch_publish(*, actor, batch: ImportBatch, mode: str | None = None, background: bool | None = None):  # type: ignore[no-untyped-def]
    """Publish a validated batch (all or nothing; or only its good rows when ``mode`` is keep_good). Large
    batches publish in a background task. Returns the batch."""
    from django.conf import settings

    from . import imports

    if mode:
        batch.mode = mode
        ImportBatch.objects.filter(pk=batch.pk).update(mode=mode)
    if background is None:
        background = batch.rows_total > settings.GLASS_BACKGROUND_ROWS
    if background:
        from elaos.core.tasks import enqueue_on_commit

        from .tasks import budget_batch_publish

        with transaction.atomic():
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=ImportBatch.Status.PUBLISHING, progress=0, progress_message="queued"
            )
            enqueue_on_commit(budget_batch_publish, batch.pk, getattr(actor, "pk", None))
        batch.refresh_from_db()
        return batch
    imports.batch_publish(batch, actor=actor)
    batch.refresh_from_db()
    return batch
