"""The glass index ranks a punctual agency above a late one, explains each score, and is idempotent."""

import datetime

import pytest
from django.test import Client

from elaos.budget.glass_index import glass_index_snapshot
from elaos.budget.models import GlassIndexSnapshot, PublicationDeadline
from elaos.budget.services import deadlines_ensure
from elaos.budget.tests import oversight_data as data

D = datetime.date
WEEK = D(2025, 7, 7)  # a Monday


@pytest.fixture
def agencies(db: None) -> dict:
    data.year(2025)
    punctual, late, silent = data.agency("punctual"), data.agency("late"), data.agency("silent")
    deadlines_ensure(agency_ids=[punctual.id, late.id, silent.id], year=2025)
    due = PublicationDeadline.objects.filter(due_on__lt=WEEK)
    for d in due.filter(agency=punctual):
        d.fulfilled_on = d.due_on  # on the due date itself: on time
        d.save()
    for d in due.filter(agency=late):
        if d.information_type.code == "transactions" and d.period_start.month == 5:
            continue  # May's transactions never published
        d.fulfilled_on = d.due_on + datetime.timedelta(days=10)
        d.save()
    # Published after the week began: not known yet for this week.
    PublicationDeadline.objects.filter(agency=silent, information_type__code="budget_lines").update(fulfilled_on=WEEK)
    return {"punctual": punctual, "late": late, "silent": silent}


def test_punctual_agency_ranks_first_with_explained_scores(agencies: dict) -> None:
    snapshots = {s.agency.code: s for s in glass_index_snapshot(week=WEEK + datetime.timedelta(days=3))}

    punctual, late, silent = snapshots["punctual"], snapshots["late"], snapshots["silent"]
    assert punctual.week == WEEK
    assert (punctual.rank, late.rank, silent.rank) == (1, 2, 3)
    assert punctual.score == 100
    assert punctual.timeliness == 100
    assert punctual.completeness == 100
    assert silent.score == 0
    assert silent.completeness == 0
    assert silent.timeliness is None

    components = {c["information_type"]: c for c in late.components}
    tx = components["transactions"]
    # Months January to May are due before 7 July (June's is due 15 July).
    assert (tx["due"], tx["on_time"], tx["late"], tx["missing"]) == (5, 0, 4, 1)
    assert tx["missing_periods"] == ["2025-05-01"]
    assert tx["average_days_late"] == 10
    assert tx["score"] == 40.0  # (0 + 4 / 2) / 5
    assert components["budget_lines"]["score"] == 50.0
    assert late.timeliness == 0
    assert float(late.completeness) == pytest.approx(100 * 16 / 17, abs=0.01)
    weights = sum(c["weight"] for c in late.components)
    expected = sum(c["score"] * c["weight"] for c in late.components) / weights
    assert float(late.score) == pytest.approx(expected, abs=0.01)
    assert {c["information_type"] for c in punctual.components} == {
        "budget_lines",
        "monthly_execution",
        "transactions",
        "procurement_plan",
        "contracts",
    }


def test_snapshot_is_idempotent_and_keeps_history(agencies: dict) -> None:
    glass_index_snapshot(week=WEEK)
    glass_index_snapshot(week=WEEK)
    glass_index_snapshot(week=WEEK + datetime.timedelta(days=7))
    assert GlassIndexSnapshot.objects.filter(week=WEEK).count() == 3
    assert GlassIndexSnapshot.objects.filter(agency=agencies["silent"]).count() == 2
    later = GlassIndexSnapshot.objects.get(agency=agencies["silent"], week=WEEK + datetime.timedelta(days=7))
    assert later.score > 0  # the approved budget published on WEEK counts from the next week


def test_equal_scores_share_a_rank(db: None) -> None:
    data.year(2025)
    one, two, three = data.agency("one"), data.agency("two"), data.agency("three")
    deadlines_ensure(agency_ids=[one.id, two.id, three.id], year=2025)
    PublicationDeadline.objects.filter(agency__in=[one, two]).update(fulfilled_on=D(2025, 1, 1))
    ranks = {s.agency.code: s.rank for s in glass_index_snapshot(week=WEEK)}
    assert ranks == {"one": 1, "two": 1, "three": 3}


def test_index_api(client: Client, agencies: dict) -> None:
    glass_index_snapshot(week=WEEK)
    glass_index_snapshot(week=WEEK + datetime.timedelta(days=7))
    latest = client.get("/api/v1/budget/glass-index").json()
    assert latest["week"] == "2025-07-14"
    assert [r["agency"]["code"] for r in latest["items"]] == ["punctual", "late", "silent"]
    assert latest["items"][0]["components"][0]["due"] >= 1
    chosen = client.get("/api/v1/budget/glass-index", {"week": "2025-07-09"}).json()
    assert chosen["week"] == "2025-07-07"
    history = client.get("/api/v1/budget/glass-index/late").json()
    assert [w["week"] for w in history["weeks"]] == ["2025-07-14", "2025-07-07"]
    assert client.get("/api/v1/budget/glass-index/nobody").status_code == 404
    bad = client.get("/api/v1/budget/glass-index", {"week": "last week"})
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid"
