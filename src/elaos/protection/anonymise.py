"""Privacy-safe releases of case data, with the threshold IOM's Counter Trafficking Data Collaborative uses (k = 11).

- `suppress_counts`: no published count lies between 1 and k − 1, and what was withheld cannot be worked back
  from the published total (complementary suppression).
- `k_anonymise`: generalise quasi-identifiers along their hierarchies (the least generalisation that keeps all but a
  small share of the records), then drop the records still in groups smaller than k. Every combination of
  quasi-identifier values in the result is shared by at least k records.

Suppression and the final k-filter are elaos.core.privacy's; this module adds the generalisation search."""

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any

from django.conf import settings

from elaos.core.privacy import is_publishable, suppress_small_cells
from elaos.core.privacy import k_anonymise as privacy_k_anonymise

DEFAULT_K = 11
# Generalise until at most this share of the records has to be dropped.
MAX_SUPPRESSED_SHARE = 0.1
ANY = "*"

Hierarchy = Sequence[Callable[[Any], Any]]


def k_threshold() -> int:
    return int(getattr(settings, "PROTECTION_K_ANONYMITY", DEFAULT_K))


def suppress_counts(counts: Mapping[str, int], *, k: int | None = None, additive: bool = True) -> dict[str, int | None]:
    """Counts with those from 1 to k − 1 replaced by None. When the cells add up to a published total (`additive`),
    more cells are withheld, smallest first, until what is withheld is 0 or at least k in all, so that the total
    minus the published cells never gives a small number (elaos.core.privacy)."""
    k = k or k_threshold()
    if not additive:
        return {key: (n if is_publishable(n, k) else None) for key, n in counts.items()}
    return {str(key): value for key, value in suppress_small_cells(counts, k=k).cells.items()}


def suppress_total(total: int, *, k: int | None = None) -> int | None:
    k = k or k_threshold()
    return total if is_publishable(total, k) else None


@dataclass(frozen=True)
class Release:
    rows: list[dict[str, Any]]
    levels: dict[str, int]
    withheld: int


def _generalise(record: Mapping[str, Any], hierarchies: Mapping[str, Hierarchy], levels: Sequence[int]) -> tuple:
    pairs = zip(hierarchies.items(), levels, strict=True)
    return tuple(hierarchy[level](record[name]) for (name, hierarchy), level in pairs)


def k_anonymise(
    records: Iterable[Mapping[str, Any]],
    hierarchies: Mapping[str, Hierarchy],
    *,
    k: int | None = None,
    max_suppressed_share: float = MAX_SUPPRESSED_SHARE,
) -> Release:
    """Records with their quasi-identifiers (the keys of `hierarchies`) generalised and the small groups dropped.

    Each hierarchy lists the functions of one quasi-identifier from exact (level 0) to fully generalised (its last
    level must map every value to one value). The levels tried are those of the lattice in order of total
    generalisation; the first that drops no more than `max_suppressed_share` of the records wins."""
    k = k or k_threshold()
    records = list(records)
    names = list(hierarchies)
    for name, hierarchy in hierarchies.items():
        if not hierarchy:
            raise ValueError(f"{name}: a hierarchy needs at least one level")
    lattice = sorted(product(*(range(len(hierarchies[n])) for n in names)), key=lambda lv: (sum(lv), lv))
    chosen = lattice[-1]
    budget = max_suppressed_share * len(records)
    for levels in lattice:
        groups = Counter(_generalise(r, hierarchies, levels) for r in records)
        if sum(n for n in groups.values() if n < k) <= budget:
            chosen = levels
            break
    generalised = [{**r, **dict(zip(names, _generalise(r, hierarchies, chosen), strict=True))} for r in records]
    rows = [dict(r) for r in privacy_k_anonymise(generalised, names, k=k)]
    return Release(rows=rows, levels=dict(zip(names, chosen, strict=True)), withheld=len(records) - len(rows))


def anything(_value: Any) -> str:
    """The last level of every hierarchy."""
    return ANY
