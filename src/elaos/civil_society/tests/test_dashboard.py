"""The public dashboard: associations by sector and province, and registration decision times in working days
against the statutory deadline, on a small dataset built through the workflow engine."""

import datetime
import uuid

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from conftest import UserFactory, staff_with_role
from elaos.agencies.models import Organisation
from elaos.civil_society import selectors
from elaos.civil_society.models import Npa
from elaos.core.models import Province
from elaos.workflows.models import WorkflowTransition
from elaos.workflows.services import workflow_definition_publish, workflow_start, workflow_transition


def state(name: str, **extra: object) -> dict:
    return {"name_lo": name, "name_en": name, **extra}


def move(code: str, sources: list[str], to: str, by: str = "staff") -> dict:
    spec = {"code": code, "from": sources, "to": to, "by": by, "name_lo": code, "name_en": code.title()}
    return spec | ({"roles": ["approver"]} if by == "staff" else {})


REGISTRATION = {
    "initial": "draft",
    "states": {
        "draft": state("Draft"),
        "submitted": state("Submitted"),
        "in_review": state("In review"),
        "approved": state("Approved", terminal=True),
        "rejected": state("Rejected", terminal=True),
    },
    "transitions": [
        move("submit", ["draft"], "submitted", by="applicant"),
        move("start_review", ["submitted"], "in_review"),
        move("approve", ["in_review"], "approved"),
        move("reject", ["submitted", "in_review"], "rejected"),
    ],
}


def at(day: str) -> datetime.datetime:
    """10:00 in Vientiane on that day."""
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{day}T10:00"))


@pytest.fixture
def decided(moha_npa: Organisation) -> None:
    """Two applications submitted on Monday 2 March 2026: one reviewed after 2 working days and approved after 10,
    the other rejected after 14."""
    definition = workflow_definition_publish(
        code="service-npa-registration", name_lo="x", name_en="x", definition=REGISTRATION
    )
    approver = staff_with_role("approver", moha_npa, email="approver@moha.gov.la")
    for province, moves in (
        ("01", [("start_review", "2026-03-04"), ("approve", "2026-03-16")]),
        ("13", [("reject", "2026-03-20")]),
    ):
        applicant = UserFactory(province=Province.objects.get(code=province))
        instance = workflow_start(
            definition=definition,
            subject_type="services.application",
            subject_id=str(uuid.uuid4()),
            applicant=applicant,
            office=moha_npa,
        )
        workflow_transition(instance=instance, transition="submit", actor=applicant)
        WorkflowTransition.objects.filter(instance=instance, transition="submit").update(at=at("2026-03-02"))
        for code, day in moves:
            workflow_transition(instance=instance, transition=code, actor=approver)
            WorkflowTransition.objects.filter(instance=instance, transition=code).update(at=at(day))


def test_counts_by_sector_and_province(doctors: Npa, teachers: Npa) -> None:
    assert [(r.code, r.count) for r in selectors.npa_counts_by("sector")] == [("education", 1), ("health", 1)]
    assert [(r.code, r.count) for r in selectors.npa_counts_by("province")] == [("01", 1), ("13", 1)]


def test_decision_times(decided: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "_statutory_days", lambda: 10)
    times = selectors.registration_times()
    assert times.deadline_days == 10
    stages = {g.code: (g.days, g.median, g.max, g.within_deadline) for g in times.by_stage}
    assert stages == {"start_review": ([2], 2, 2, 100), "approve": ([10], 10, 10, 100), "reject": ([14], 14, 14, 0)}
    assert [(g.code, g.days) for g in times.by_province] == [("01", [10]), ("13", [14])]


def test_decision_times_without_a_statutory_deadline(decided: None) -> None:
    times = selectors.registration_times()
    assert times.deadline_days is None
    assert all(g.within_deadline is None for g in times.by_stage)


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=0)
def test_the_page_shows_tables_and_charts(client: Client, decided: None, doctors: Npa, teachers: Npa) -> None:
    response = client.get("/npas/dashboard/", HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('<svg role="img"') == 2
    assert "Associations by sector" in page
    assert "Final decisions by province" in page
    assert "Reject" in page
    assert "14" in page


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=0)
def test_the_empty_dashboard_says_so(client: Client, db: None) -> None:
    response = client.get("/npas/dashboard/", HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert "The register holds no association yet." in page
    assert "No registration has been decided online yet." in page
    assert "<svg" not in page


def test_the_api_gives_the_same_numbers(
    client: Client, decided: None, doctors: Npa, teachers: Npa, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "_statutory_days", lambda: 10)
    data = client.get("/api/v1/npa-dashboard").json()
    assert data["total"] == 2
    assert {r["code"]: r["count"] for r in data["by_province"]} == {"01": 1, "13": 1}
    assert data["statutory_deadline_working_days"] == 10
    by_stage = {r["code"]: r for r in data["decision_times_by_stage"]}
    assert by_stage["reject"]["max_working_days"] == 14
    assert by_stage["reject"]["within_deadline_percent"] == 0
    assert [r["code"] for r in data["decision_times_by_province"]] == ["01", "13"]
