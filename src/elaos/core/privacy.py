"""Publishing counts about people without revealing anyone: small-cell suppression and k-anonymity.

IOM's Counter-Trafficking Data Collaborative publishes with k = 11: no count from 1 to 10 is ever shown, since such
a count may point at a few identifiable people. A suppressed cell is published as None (an empty cell, never "<11").

Suppressing the small cells is not enough when a total is published beside them: the total minus the cells shown
gives the sum of the hidden ones back. So further cells are hidden (the smallest first) until what can be worked out
from the total is 0 or at least k; when nothing is left to hide, the total is hidden too."""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

DEFAULT_K = 11


@dataclass(frozen=True)
class SuppressedTable:
    """Cells in the order given: a count of 0 or at least k, or None where it is hidden; the total likewise."""

    cells: dict[Hashable, int | None]
    total: int | None

    @property
    def suppressed(self) -> bool:
        return self.total is None or any(v is None for v in self.cells.values())


def is_publishable(count: int | None, k: int = DEFAULT_K) -> bool:
    return count is None or count == 0 or count >= k


def suppress_small_cells(counts: Mapping[Hashable, int | None], *, k: int = DEFAULT_K) -> SuppressedTable:
    """Hide every count from 1 to k-1, then hide more (smallest first) until the total minus the shown cells is 0
    or at least k. Cells already None (hidden upstream) stay hidden; they count as hidden small cells, so their
    true value is unknown here and the total is hidden unless other hidden cells make the difference safe."""
    if k < 2:
        raise ValueError("k must be at least 2")
    cells: dict[Hashable, int | None] = {}
    hidden_sum, unknown_hidden = 0, False
    for key, value in counts.items():
        if value is None:
            cells[key], unknown_hidden = None, True
        elif value < 0:
            raise ValueError("counts cannot be negative")
        elif 0 < value < k:
            cells[key] = None
            hidden_sum += value
        else:
            cells[key] = value
    # Secondary suppression: what the total gives away must be 0 or at least k.
    while 0 < hidden_sum < k:
        shown = [(value, i, key) for i, (key, value) in enumerate(cells.items()) if value]
        if not shown:
            break
        value, _i, key = min(shown)
        hidden_sum += value
        cells[key] = None
    total: int | None
    if unknown_hidden:
        total = None
    else:
        real_total = sum(v for v in counts.values() if v is not None)
        total = real_total if is_publishable(real_total, k) and not (0 < hidden_sum < k) else None
    return SuppressedTable(cells=cells, total=total)


def suppress_rows(
    rows: Sequence[tuple[Hashable, int | None]], *, k: int = DEFAULT_K
) -> tuple[list[tuple[Hashable, int | None]], int | None]:
    """suppress_small_cells for an ordered list of (label, count) rows; returns the rows and the total."""
    table = suppress_small_cells(dict(rows), k=k)
    return [(label, table.cells[label]) for label, _ in rows], table.total


def k_anonymise(
    records: Iterable[Mapping[str, Any]], quasi_identifiers: Sequence[str], *, k: int = DEFAULT_K
) -> list[Mapping[str, Any]]:
    """The records whose combination of quasi-identifiers (sex, age band, country…) is shared by at least k records;
    the others are left out, as in CTDC's k-anonymised global dataset. Generalise the fields first (years into
    age bands, districts into provinces) to keep more records."""
    records = list(records)
    groups: dict[tuple[Any, ...], int] = {}
    for record in records:
        group = tuple(record.get(name) for name in quasi_identifiers)
        groups[group] = groups.get(group, 0) + 1
    return [r for r in records if groups[tuple(r.get(name) for name in quasi_identifiers)] >= k]
