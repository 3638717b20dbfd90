"""The child process of bench_lao_search: fills the search index of the site's PostgreSQL database with the recall
test set among many other records, times both engines on the test set's queries, prints the two result rows as
JSON on stdout, and removes what it added."""

import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import django

TEST_SET = Path(__file__).resolve().parent.parent / "src/elaos/search/tests/fixtures/lao_queries.json"
KIND = "service"
BENCH_KEY = "bench-search-"
PEER_TABLE = "bench_search_pg_fts"
BATCH = 2_000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def other_records(count: int, catalogue_words: list[str], seed: int = 7) -> list[dict[str, str]]:
    """Titles and bodies of real Lao words; about one record in three also holds a word of the catalogue."""
    from laonlp.corpus import lao_words

    rng = random.Random(seed)
    dictionary = sorted({w for w in lao_words() if w.strip() and " " not in w})
    english = ["office", "permit", "register", "school", "health", "village", "report", "road", "water", "farm"]
    records = []
    for i in range(count):
        title = rng.sample(dictionary, rng.randint(2, 5))
        body = rng.sample(dictionary, rng.randint(10, 25))
        if rng.random() < 0.35:
            title.insert(rng.randrange(len(title) + 1), rng.choice(catalogue_words))
        if rng.random() < 0.35:
            body.insert(rng.randrange(len(body) + 1), rng.choice(catalogue_words))
        records.append(
            {
                "key": f"{BENCH_KEY}{i}",
                "title_lo": "".join(title),
                "title_en": " ".join(rng.sample(english, 2)),
                "body_lo": "".join(body),
                "body_en": "",
            }
        )
    return records


def fill(records: list[dict[str, str]]) -> float:
    from django.db import connection, transaction

    from elaos.search.models import SearchEntry
    from elaos.search.services import entry_fields

    started = time.perf_counter()
    with transaction.atomic():
        SearchEntry.objects.filter(kind=KIND, key__startswith=BENCH_KEY).delete()
        for start in range(0, len(records), BATCH):
            SearchEntry.objects.bulk_create(
                SearchEntry(
                    kind=KIND,
                    key=r["key"],
                    **entry_fields(
                        title_lo=r["title_lo"], title_en=r["title_en"], body_lo=r["body_lo"], body_en=r["body_en"]
                    ),
                )
                for r in records[start : start + BATCH]
            )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {PEER_TABLE}")
        cursor.execute(
            f"CREATE TABLE {PEER_TABLE} (key text PRIMARY KEY, kind text NOT NULL, document text NOT NULL, "
            "tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', document)) STORED)"
        )
        with cursor.copy(f"COPY {PEER_TABLE} (key, kind, document) FROM STDIN") as copy:
            for r in records:
                copy.write_row((r["key"], KIND, " ".join((r["title_lo"], r["title_en"], r["body_lo"], r["body_en"]))))
        cursor.execute(f"CREATE INDEX {PEER_TABLE}_tsv ON {PEER_TABLE} USING gin (tsv)")
        cursor.execute(f"ANALYZE {PEER_TABLE}")
        cursor.execute(f"ANALYZE {SearchEntry._meta.db_table}")
    return time.perf_counter() - started


def peer_search(query: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT key FROM {PEER_TABLE}, plainto_tsquery('simple', %s) q "
            "WHERE kind = %s AND tsv @@ q ORDER BY ts_rank(tsv, q) DESC, key LIMIT 10",
            [query, KIND],
        )
        return [key for (key,) in cursor.fetchall()]


def measure(queries: list[dict[str, Any]], rounds: int) -> dict[str, dict[str, float]]:
    from elaos.search.selectors import search

    engines = {"ours": lambda q: [hit.key for hit in search(q, kind=KIND, limit=10)], "peer": peer_search}
    times: dict[str, list[float]] = {name: [] for name in engines}
    found = dict.fromkeys(engines, 0)
    expected = sum(len(q["expected"]) for q in queries)
    for round_ in range(rounds + 1):  # the first round warms caches up and is not counted
        for query in queries:
            for name in list(engines) if round_ % 2 else list(reversed(engines)):
                started = time.perf_counter()
                keys = engines[name](query["q"])
                elapsed = (time.perf_counter() - started) * 1000
                if round_:
                    times[name].append(elapsed)
                else:  # answers do not change between rounds: recall is counted once
                    found[name] += len(set(keys) & set(query["expected"]))
    return {name: {"recall": found[name] / expected, "p95_ms": percentile(times[name], 0.95)} for name in engines}


def cleanup() -> None:
    from django.db import connection

    from elaos.search.models import SearchEntry

    SearchEntry.objects.filter(kind=KIND, key__startswith=BENCH_KEY).delete()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {PEER_TABLE}")


def main(argv: list[str]) -> int:
    params = json.loads(argv[0])
    django.setup()
    from elaos.search.lao import segment
    from elaos.search.services import search_index

    test_set = json.loads(TEST_SET.read_text(encoding="utf-8"))
    for entry in test_set["entries"]:
        search_index(kind=KIND, url=f"/services/{entry['key']}/", **entry)
    catalogue_words = sorted(
        {w for e in test_set["entries"] for w in segment(e["title_lo"] + " " + e["body_lo"]) if not w.isascii()}
    )
    records = other_records(params["records"], catalogue_words)
    try:
        seconds = fill(records)
        print(f"[bench] indexed {len(records)} records in {seconds:.0f} s", file=sys.stderr)
        measured = measure(test_set["queries"], params["rounds"])
    finally:
        cleanup()
    ours, peer = measured["ours"], measured["peer"]
    common = {
        "peer": "PostgreSQL full-text search, 'simple' configuration",
        "records": len(records) + len(test_set["entries"]),
        "queries": len(test_set["queries"]),
        "database": "postgresql",
    }
    rows = [
        {
            "name": "lao_search_recall",
            "value": round(ours["recall"], 4),
            "unit": "share",
            "peer_value": round(peer["recall"], 4),
            "ratio": round(ours["recall"] / peer["recall"], 4) if peer["recall"] else None,
            "goal": 0.95,
            "goal_of": "value",
            **common,
        },
        {
            "name": "lao_search_p95_ms",
            "value": round(ours["p95_ms"], 2),
            "unit": "ms",
            "peer_value": round(peer["p95_ms"], 2),
            "ratio": round(peer["p95_ms"] / ours["p95_ms"], 4) if ours["p95_ms"] else None,
            "goal": 50,
            "goal_of": "value",
            **common,
        },
    ]
    json.dump(rows, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
