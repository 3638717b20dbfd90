import pytest

from elaos.protection import selectors, services
from elaos.protection.tests.conftest import FACTS

pytestmark = pytest.mark.django_db


def open_cases(actor, organisation, n: int, **facts) -> None:
    for i in range(n):
        services.case_open(
            actor=actor,
            organisation=organisation,
            facts={**FACTS, **facts},
            identity={"given_name": f"P{i}"},
            consent_given=True,
        )


def test_case_statistics_are_suppressed(carol, district_office) -> None:
    open_cases(carol, district_office, 14, gender="female", types_of_exploitation=["forced_labour", "sexual"])
    open_cases(carol, district_office, 3, gender="male")
    stats = selectors.case_statistics()
    assert stats.k == 11
    assert stats.total == 17
    by_sex = {c.code: c.count for c in stats.by_sex}
    # 3 men would be a small count; the 14 women are withheld too, or the total would give the men away.
    assert by_sex == {"female": None, "male": None, "non_conforming": 0, "unknown": 0}
    types = {c.code: c.count for c in stats.by_exploitation_type}
    assert types["forced_labour"] == 17
    assert types["sexual"] == 14
    assert types["other"] == 0
    assert {c.code: c.count for c in stats.by_status}["active"] == 17
    for dimension in (stats.by_sex, stats.by_age_band, stats.by_province, stats.by_status, stats.by_exploitation_type):
        assert all(c.count is None or c.count == 0 or c.count >= 11 for c in dimension)
    assert stats.as_dict()["by_sex"][0]["name_en"] == "Female"


def test_a_handful_of_cases_publishes_nothing(carol, district_office) -> None:
    open_cases(carol, district_office, 4)
    stats = selectors.case_statistics()
    assert stats.total is None
    assert all(c.count in (None, 0) for c in stats.by_province)
    assert selectors.case_statistics(year=1999).total == 0
