from hypothesis import given
from hypothesis import strategies as st

from elaos.core.privacy import k_anonymise, suppress_small_cells


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(min_value=0, max_value=60), max_size=8))
def test_no_small_cell_and_nothing_small_worked_back_from_the_total(counts: dict[str, int]) -> None:
    table = suppress_small_cells(counts)
    for value in [*table.cells.values(), table.total]:
        assert value is None or value == 0 or value >= 11
    if table.total is not None:
        hidden = table.total - sum(v for v in table.cells.values() if v is not None)
        assert hidden == 0 or hidden >= 11
    shown = {k: v for k, v in table.cells.items() if v is not None}
    assert all(counts[k] == v for k, v in shown.items())


def test_a_lone_small_cell_forces_a_second_one_hidden() -> None:
    table = suppress_small_cells({"TH": 40, "KR": 12, "JP": 3})
    assert table.cells == {"TH": 40, "KR": None, "JP": None}
    assert table.total == 55


def test_k_anonymise_keeps_groups_of_at_least_k() -> None:
    records = [{"sex": "f"}] * 11 + [{"sex": "m"}] * 3
    assert len(k_anonymise(records, ["sex"])) == 11
