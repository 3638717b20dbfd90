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
OTHER_KIND = "bench-record"
BENCH_KEY = "bench-search-"
PEER_TABLE = "bench_search_pg_fts"
SALTED = 0.1
BATCH = 2_000
SLOWEST = 8


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def other_records(
    count: int, catalogue_words: list[str], english_words: list[str], seed: int = 7
) -> list[dict[str, str]]:
    """Titles and bodies of real Lao words (LaoNLP's dictionary); one title in ten and one body in ten also hold
    a word of the catalogue, and English titles are made of the catalogue's English words, so that no query
    word is unique to the catalogue."""
    from laonlp.corpus import lao_words

    rng = random.Random(seed)
    dictionary = sorted({w for w in lao_words() if w.strip() and " " not in w})
    records = []
    for i in range(count):
        title = rng.sample(dictionary, rng.randint(2, 5))
        body = rng.sample(dictionary, rng.randint(10, 25))
        if rng.random() < SALTED:
            title.insert(rng.randrange(len(title) + 1), rng.choice(catalogue_words))
        if rng.random() < SALTED:
            body.insert(rng.randrange(len(body) + 1), rng.choice(catalogue_words))
        records.append(
            {
                "key": f"{BENCH_KEY}{i}",
                "title_lo": "".join(title),
                "title_en": " ".join(rng.sample(english_words, 3)),
                "body_lo": "".join(body),
                "body_en": "",
            }
        )
    return records


def fill(catalogue: list[dict[str, str]], records: list[dict[str, str]]) -> float:
    """The other records into the search index (the catalogue is indexed by the caller through search_index), and
    the catalogue and the records, unsegmented, into the peer's table."""
    from django.db import connection, transaction

    from elaos.search.models import SearchEntry
    from elaos.search.services import entry_fields

    started = time.perf_counter()
    with transaction.atomic():
        SearchEntry.objects.filter(kind=OTHER_KIND, key__startswith=BENCH_KEY).delete()
        for start in range(0, len(records), BATCH):
            SearchEntry.objects.bulk_create(
                SearchEntry(
                    kind=OTHER_KIND,
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
            for kind, rows in ((KIND, catalogue), (OTHER_KIND, records)):
                for r in rows:
                    text = " ".join((r["title_lo"], r["title_en"], r.get("body_lo", ""), r.get("body_en", "")))
                    copy.write_row((r["key"], kind, text))
        cursor.execute(f"CREATE INDEX {PEER_TABLE}_tsv ON {PEER_TABLE} USING gin (tsv)")
        cursor.execute(f"ANALYZE {PEER_TABLE}")
        cursor.execute(f"ANALYZE {SearchEntry._meta.db_table}")
        # What autovacuum does soon after a bulk insert, done at once: index-only scans of the word table (ADR 0008)
        # skip the heap only for pages VACUUM has marked all-visible.
        cursor.execute("VACUUM (ANALYZE) search_searchword")
    return time.perf_counter() - started


def peer_search(query: str, kind: str | None) -> list[str]:
    from django.db import connection

    where = "tsv @@ q AND kind = %s" if kind else "tsv @@ q"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT key FROM {PEER_TABLE}, plainto_tsquery('simple', %s) q "
            f"WHERE {where} ORDER BY ts_rank(tsv, q) DESC, key LIMIT 10",
            [query, kind] if kind else [query],
        )
        return [key for (key,) in cursor.fetchall()]


def ours_search(query: str, kind: str | None) -> list[str]:
    from elaos.search.selectors import search

    return [hit.key for hit in search(query, kind=kind, limit=10)]


ENGINES = {"ours": ours_search, "peer": peer_search}


def recall(queries: list[dict[str, Any]]) -> dict[str, float]:
    """Recall@10 of each engine where the catalogue searches: among services."""
    expected = sum(len(q["expected"]) for q in queries)
    return {
        name: sum(len(set(engine(q["q"], KIND)) & set(q["expected"])) for q in queries) / expected
        for name, engine in ENGINES.items()
    }


def p95_ms(queries: list[dict[str, Any]], rounds: int) -> dict[str, float]:
    """p95 time of each engine over the whole index (every kind: the site-wide search), alternating engines. The
    slowest queries of ours (their median over the rounds) go to stderr: where to look first."""
    times: dict[str, list[float]] = {name: [] for name in ENGINES}
    by_query: dict[str, list[float]] = {query["q"]: [] for query in queries}
    for round_ in range(rounds + 1):  # the first round warms caches up and is not counted
        for query in queries:
            for name in list(ENGINES) if round_ % 2 else list(reversed(ENGINES)):
                started = time.perf_counter()
                ENGINES[name](query["q"], None)
                if round_:
                    times[name].append((time.perf_counter() - started) * 1000)
                    if name == "ours":
                        by_query[query["q"]].append(times[name][-1])
    medians = sorted(((percentile(values, 0.5), q) for q, values in by_query.items() if values), reverse=True)
    slowest = ", ".join(f"{q!r} {ms:.1f}" for ms, q in medians[:SLOWEST])
    print(f"[bench] slowest queries of ours (median ms): {slowest}", file=sys.stderr)
    return {name: percentile(values, 0.95) for name, values in times.items()}


def cleanup() -> None:
    from django.db import connection

    from elaos.search.models import SearchEntry

    SearchEntry.objects.filter(kind=OTHER_KIND, key__startswith=BENCH_KEY).delete()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {PEER_TABLE}")


def main(argv: list[str]) -> int:
    params = json.loads(argv[0])
    django.setup()
    from elaos.search.lao import segment
    from elaos.search.services import search_index

    test_set = json.loads(TEST_SET.read_text(encoding="utf-8"))
    catalogue, queries = test_set["entries"], test_set["queries"]
    for entry in catalogue:
        search_index(kind=KIND, url=f"/services/{entry['key']}/", **entry)
    lao_words_ = sorted({w for e in catalogue for w in segment(e["title_lo"] + " " + e["body_lo"]) if not w.isascii()})
    english_words = sorted({w for e in catalogue for w in e["title_en"].lower().split() if w.isalpha()})
    records = other_records(params["records"], lao_words_, english_words)
    try:
        seconds = fill(catalogue, records)
        print(f"[bench] indexed {len(records)} records in {seconds:.0f} s", file=sys.stderr)
        recalls = recall(queries)
        times = p95_ms(queries, params["rounds"])
    finally:
        cleanup()
    common = {
        "peer": "PostgreSQL full-text search, 'simple' configuration",
        "records": len(records) + len(catalogue),
        "queries": len(queries),
        "database": "postgresql",
    }
    rows = [
        {
            "name": "lao_search_recall",
            "value": round(recalls["ours"], 4),
            "unit": "share",
            "peer_value": round(recalls["peer"], 4),
            "ratio": round(recalls["ours"] / recalls["peer"], 4) if recalls["peer"] else None,
            "goal": 0.95,
            "goal_of": "value",
            **common,
        },
        {
            "name": "lao_search_p95_ms",
            "value": round(times["ours"], 2),
            "unit": "ms",
            "peer_value": round(times["peer"], 2),
            "ratio": round(times["peer"] / times["ours"], 4) if times["ours"] else None,
            "goal": 50,
            "goal_of": "value",
            **common,
        },
    ]
    json.dump(rows, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
