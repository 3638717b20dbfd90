"""Property-based proofs of the privacy rules: k-anonymity of the export and small-cell suppression of counts."""

import datetime
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elaos.protection.anonymise import k_anonymise, suppress_counts
from elaos.protection.export import HIERARCHIES, QUASI_IDENTIFIERS, anonymised_release, release_csv
from elaos.protection.models import AgeBand, Country, Exploitation, Gender, ProtectionCase

K = 11

records = st.fixed_dictionaries(
    {
        "Gender": st.sampled_from(["Female", "Male", "Transgender/NonConforming", "Unknown"]),
        "AgeWhenTrafficked": st.sampled_from(
            [b.replace("-", "--") for b in AgeBand.values if b != "unknown"] + ["Unknown"]
        ),
        "Citizenship": st.sampled_from(Country.values),
        "Region": st.sampled_from(["North", "Central", "South", "Unknown"]),
        "YearOfRegistration": st.integers(min_value=2015, max_value=2026),
        "CountryOfExploitation": st.sampled_from(Country.values),
        "TypeOfExploitation": st.sampled_from(["ForcedLabour", "SexualExploitation", "ForcedLabour;Other", "Other"]),
        "MethodsOfControl": st.sampled_from(["", "DebtBondage", "Threats;WithholdsDocuments"]),
    }
)


@settings(max_examples=60, deadline=None)
@given(st.lists(records, max_size=150), st.integers(min_value=2, max_value=15))
def test_every_quasi_identifier_combination_is_shared_by_at_least_k_records(rows, k) -> None:
    release = k_anonymise(rows, HIERARCHIES, k=k)
    groups = Counter(tuple(row[q] for q in QUASI_IDENTIFIERS) for row in release.rows)
    assert all(n >= k for n in groups.values())
    assert len(release.rows) + release.withheld == len(rows)
    if len(rows) >= k:
        # Generalising enough always keeps at least 90 % of the records.
        assert release.withheld <= 0.1 * len(rows)
    else:
        assert release.rows == []
    # Sensitive attributes are released untouched, record by record.
    originals = Counter(r["MethodsOfControl"] for r in rows)
    assert all(originals[r["MethodsOfControl"]] > 0 for r in release.rows)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(min_value=0, max_value=40), max_size=12))
def test_no_published_count_between_1_and_k_minus_1_nor_derivable(counts) -> None:
    shown = suppress_counts(counts, k=K)
    assert set(shown) == set(counts)
    for key, value in shown.items():
        assert value is None or value == counts[key]
        assert value is None or value == 0 or value >= K
    withheld = sum(counts[key] for key, value in shown.items() if value is None)
    # The total minus what is published never gives a small number.
    assert withheld == 0 or withheld >= K or sum(counts.values()) < K


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(min_value=0, max_value=40), max_size=12))
def test_non_additive_counts_only_hide_small_cells(counts) -> None:
    shown = suppress_counts(counts, k=K, additive=False)
    assert shown == {key: (None if 0 < n < K else n) for key, n in counts.items()}


def test_suppression_examples() -> None:
    assert suppress_counts({"a": 30, "b": 5, "c": 20}) == {"a": 30, "b": None, "c": None}
    assert suppress_counts({"a": 30, "b": 0, "c": 20}) == {"a": 30, "b": 0, "c": 20}
    assert suppress_counts({"a": 4, "b": 3}) == {"a": None, "b": None}


@pytest.mark.django_db
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(Gender.values),
            st.sampled_from(AgeBand.values),
            st.sampled_from(["TH", "CN", "MY"]),
            st.sampled_from(Exploitation.values),
            st.sampled_from(["01", "06", "13", "16", None]),
        ),
        min_size=0,
        max_size=60,
    )
)
def test_the_export_of_real_cases_is_k_anonymous_and_holds_no_identity(rows) -> None:
    from elaos.core.models import Province

    provinces = {p.code: p for p in Province.objects.all()}
    cases = [
        ProtectionCase(
            reference=f"PC-T{i:07d}",
            gender=gender,
            age_band=age,
            citizenship="LA",
            province=provinces.get(province) if province else None,
            country_of_exploitation=country,
            types_of_exploitation=[kind],
            trafficking_status="actual",
            migrant_type="returnee",
            identified_on=datetime.date(2025, 1, 1),
            opened_on=datetime.date(2025, 1, 2),
        )
        for i, (gender, age, country, kind, province) in enumerate(rows)
    ]
    release = anonymised_release(cases)
    groups = Counter(tuple(row[q] for q in QUASI_IDENTIFIERS) for row in release.rows)
    assert all(n >= K for n in groups.values())
    text = release_csv(release)
    assert "PC-T" not in text
    header = text.splitlines()[0].split(",")
    assert "Gender" in header
    assert "TypeOfExploitation" in header
    assert "MethodsOfControl" in header
