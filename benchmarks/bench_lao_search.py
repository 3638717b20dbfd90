"""lao_search_recall and lao_search_p95_ms: e-Laos search (Lao word segmentation, elaos.search) over 100,000
records against PostgreSQL's default full-text search of the same records, in the same run.

The records are the service catalogue of the recall test set (src/elaos/search/tests/fixtures/lao_queries.json)
among `BENCH_SEARCH_RECORDS` (100,000) others of the same kind, made of real Lao words (LaoNLP's dictionary) with
now and then a word of the catalogue, so that the catalogue's words are not unique to it. Each query of the test
set is asked `BENCH_SEARCH_ROUNDS` times (5) of each engine, alternating.

- `lao_search_recall`: recall@10 (the share of expected keys in the top ten), goal 0.95 on the value; the peer
  is `plainto_tsquery('simple', …)` against `to_tsvector('simple', titles and bodies)` with a GIN index, ranked
  by ts_rank: what PostgreSQL does without knowing that Lao has no spaces. ratio = ours / peer.
- `lao_search_p95_ms`: the 95th percentile of one search's time (the whole `search()` call, database included),
  goal 50 ms on the value; ratio = peer p95 / ours.

PostgreSQL only (the `DATABASE_URL` of the run): on SQLite both lines report an error and no value."""

import json
import subprocess
import sys

from benchmarks.harness import ROOT, env_int, error_result, log, prepared_site

PEER = "PostgreSQL full-text search, 'simple' configuration"


def run() -> list[dict[str, object]]:
    with prepared_site() as site:
        if site.database != "postgresql":
            reason = "needs PostgreSQL: run with DATABASE_URL=postgres://…"
            return [
                error_result(
                    name="lao_search_recall", unit="share", peer=PEER, goal=0.95, goal_of="value", error=reason
                ),
                error_result(name="lao_search_p95_ms", unit="ms", peer=PEER, goal=50, goal_of="value", error=reason),
            ]
        params = {
            "records": env_int("BENCH_SEARCH_RECORDS", 100_000),
            "rounds": env_int("BENCH_SEARCH_ROUNDS", 5),
        }
        completed = subprocess.run(
            [sys.executable, "-m", "benchmarks.lao_search", json.dumps(params)],
            env={**site.env, "LOG_LEVEL": "WARNING"},
            cwd=ROOT,
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
        )
        rows: list[dict[str, object]] = json.loads(completed.stdout)
        for row in rows:
            log(f"{row['name']}: {row['value']} (peer {row['peer_value']})")
        return rows
