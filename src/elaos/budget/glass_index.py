"""The glass index: a weekly ranking of agencies on the timeliness and completeness of what they must publish.

For the week starting Monday W, every publication deadline of the last GLASS_INDEX_LOOKBACK_DAYS days that fell
before W counts, per required information type:

- on time: published on or before its due date;
- late: published after its due date but before W;
- missing: not published before W.

An information type scores 100 × (on time + ½ × late) / due; the agency's score is the mean of its types' scores
weighted by ``InformationType.weight``. Completeness is the share published at all, timeliness the share of what
was published that came on time. Only what was known before W counts, so recomputing a past week gives the same
result (snapshots are idempotent), and every score carries its explanation in ``components``.
"""

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from elaos.budget.models import GlassIndexSnapshot, InformationType, PublicationDeadline

MISSING_LISTED = 12


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _pct(value: Decimal | float | int) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _component(info: InformationType, deadlines: list[PublicationDeadline], week: datetime.date) -> dict:
    on_time = late = 0
    days_late: list[int] = []
    missing: list[str] = []
    for d in deadlines:
        published = d.fulfilled_on is not None and d.fulfilled_on < week
        if published and d.fulfilled_on <= d.due_on:  # type: ignore[operator]
            on_time += 1
        elif published:
            late += 1
            days_late.append((d.fulfilled_on - d.due_on).days)  # type: ignore[operator]
        else:
            missing.append(d.period_start.isoformat())
    due = len(deadlines)
    score = _pct(Decimal(100) * (on_time + Decimal("0.5") * late) / due)
    return {
        "information_type": info.code,
        "name_lo": info.name_lo,
        "name_en": info.name_en,
        "weight": info.weight,
        "due": due,
        "on_time": on_time,
        "late": late,
        "missing": len(missing),
        "average_days_late": round(sum(days_late) / len(days_late), 1) if days_late else 0,
        "missing_periods": missing[-MISSING_LISTED:],
        "score": float(score),
    }


def agency_scores(week: datetime.date) -> dict[int, dict]:
    """Per agency: score, timeliness, completeness and components for the week starting ``week``."""
    since = week - datetime.timedelta(days=settings.GLASS_INDEX_LOOKBACK_DAYS)
    infos = {i.id: i for i in InformationType.objects.filter(required=True)}
    grouped: dict[int, dict[int, list[PublicationDeadline]]] = defaultdict(lambda: defaultdict(list))
    deadlines = (
        PublicationDeadline.objects.filter(
            Q(due_on__lt=week) & Q(due_on__gte=since), information_type_id__in=list(infos)
        )
        .only("agency_id", "information_type_id", "period_start", "due_on", "fulfilled_on")
        .order_by("agency_id", "information_type_id", "period_start")
    )
    for d in deadlines.iterator(chunk_size=5000):
        grouped[d.agency_id][d.information_type_id].append(d)
    scores = {}
    for agency_id, by_type in grouped.items():
        components = [
            _component(infos[type_id], rows, week)
            for type_id, rows in sorted(by_type.items(), key=lambda item: (infos[item[0]].order, infos[item[0]].code))
        ]
        weight = sum(c["weight"] for c in components)
        due = sum(c["due"] for c in components)
        published = sum(c["on_time"] + c["late"] for c in components)
        on_time = sum(c["on_time"] for c in components)
        scores[agency_id] = {
            "score": _pct(sum(Decimal(str(c["score"])) * c["weight"] for c in components) / weight)
            if weight
            else _pct(0),
            "completeness": _pct(Decimal(100) * published / due),
            "timeliness": _pct(Decimal(100) * on_time / published) if published else None,
            "components": components,
        }
    return scores


@transaction.atomic
def glass_index_snapshot(*, week: datetime.date) -> list[GlassIndexSnapshot]:
    """Compute and store the index of the week containing ``week`` (normalised to its Monday). Idempotent: the
    week's snapshots are replaced, ranks recomputed (equal scores share a rank: 1, 2, 2, 4)."""
    week = week_start(week)
    scores = agency_scores(week)
    now = timezone.now()
    ordered = sorted(scores.items(), key=lambda item: (-item[1]["score"], item[0]))
    snapshots = []
    rank, previous = 0, None
    for position, (agency_id, s) in enumerate(ordered, start=1):
        if s["score"] != previous:
            rank, previous = position, s["score"]
        snapshot, _ = GlassIndexSnapshot.objects.update_or_create(
            week=week,
            agency_id=agency_id,
            defaults={
                "score": s["score"],
                "rank": rank,
                "timeliness": s["timeliness"],
                "completeness": s["completeness"],
                "components": s["components"],
                "computed_at": now,
            },
        )
        snapshots.append(snapshot)
    GlassIndexSnapshot.objects.filter(week=week).exclude(agency_id__in=list(scores)).delete()
    return snapshots


def glass_index_current() -> list[GlassIndexSnapshot]:
    """This week's snapshot (the periodic task's entry point)."""
    return glass_index_snapshot(week=timezone.localdate())
