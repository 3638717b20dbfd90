"""The demo register: enough associations to look real, and loading twice adds nothing."""

import pytest

from elaos.civil_society.demo import NPAS, load_npa_demo
from elaos.civil_society.models import AnnualReport, Npa, NpaProject
from elaos.demo.data import load_demo


@pytest.fixture
def demo(db: None) -> None:
    load_demo()


def test_demo_register(demo: None) -> None:
    assert Npa.objects.count() == len(NPAS) >= 20
    assert Npa.objects.filter(status="suspended").count() == 2
    dissolved = Npa.objects.get(status="dissolved")
    assert dissolved.status_changes.last().reason
    assert Npa.objects.values("sector").distinct().count() == 8
    assert Npa.objects.values("province").distinct().count() >= 6
    assert {t for (t,) in Npa.objects.values_list("type")} == set(Npa.Type.values)
    assert {t for (t,) in Npa.objects.values_list("level")} == set(Npa.Level.values)
    assert all(npa.officers.exists() for npa in Npa.objects.all())
    assert any(r.is_late for r in AnnualReport.objects.all())
    assert NpaProject.objects.filter(foreign_funding_kip__gt=0, status="approved").count() >= 3


def test_loading_twice_adds_nothing(demo: None) -> None:
    before = (Npa.objects.count(), AnnualReport.objects.count())
    assert load_npa_demo() == 0
    load_demo()
    assert (Npa.objects.count(), AnnualReport.objects.count()) == before
