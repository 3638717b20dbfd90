"""glass_queries_vs_duckdb and glass_query_p95_ms: the Glass Accounts portal's own queries at national scale.

Runs against the PostgreSQL in DATABASE_URL (skipped, with the reason, on anything else). The database is migrated
and filled by `budget_generate` up to BENCH_GLASS_TRANSACTIONS transactions (default 1,000,000; BENCH_SCALE=full:
10,000,000) if it holds fewer. The same rows are then exported to an in-memory DuckDB in the same run.

Five questions, each asked BENCH_GLASS_REPEATS times (30) with different parameters (seeded), after a warm-up:
1. totals by month of a ministry (its whole organisation subtree) for a year;
2. the top 10 payees of a ministry-year;
3. a ministry-year's transactions in an amount range, largest first, first page of 50;
4. payee search by a name word (Lao or English), top 20 by amount received;
5. a drill-through: a budget line's contracts with what each was paid.
Ours: the functions the portal calls (elaos.budget.selectors: rollups, composite indexes, keyset pages),
timed in the Django process including the ORM. DuckDB: the same questions in SQL over the raw tables (DuckDB's
home ground: columnar scans and aggregation). ratio = DuckDB p95 / our p95 (goal ≥ 1.0); glass_query_p95_ms is
our p95 over all questions (goal ≤ 50 ms, `goal_of: "value"`).
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.harness import ROOT, env_int, error_result, log, result

NAME = "glass_queries_vs_duckdb"
P95_NAME = "glass_query_p95_ms"
PEER = "DuckDB (in-memory, same data, same run)"


def scale() -> int:
    default = 10_000_000 if os.environ.get("BENCH_SCALE", "").lower() == "full" else 1_000_000
    return env_int("BENCH_GLASS_TRANSACTIONS", default)


def database_url() -> str:
    return os.environ.get("DATABASE_URL", "")


def is_postgres() -> bool:
    return database_url().startswith(("postgres://", "postgresql://"))


def skipped(name: str, unit: str, goal: float) -> dict[str, object]:
    reason = "skipped: needs PostgreSQL in DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/elaos_bench)"
    log(f"{name}: {reason}")
    return {"name": name, "value": None, "unit": unit, "peer": PEER, "peer_value": None, "ratio": None,
            "goal": goal, "skipped": reason}  # fmt: skip


def django_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH", "")])
    env.setdefault("DJANGO_SETTINGS_MODULE", "elaos.settings")
    env.setdefault("DEBUG", "0")
    return env


def prepare_database(target: int) -> None:
    """Migrate, and generate transactions until the database holds about ``target``."""
    manage = [sys.executable, str(ROOT / "manage.py")]
    env = django_env()
    subprocess.run([*manage, "migrate", "-v0"], check=True, env=env)
    count = int(
        subprocess.run(
            [
                *manage,
                "shell",
                "--no-imports",
                "-c",
                "from elaos.budget.models import Transaction as T; print(T.objects.count())",
            ],
            check=True,
            env=env,
            capture_output=True,
            text=True,
        ).stdout.split()[-1]
    )
    if count >= target * 0.95:
        log(f"glass: {count} transactions already there")
        return
    missing = target - count
    seed = 1 + count // 100_000  # a new seed per top-up: references stay unique
    log(f"glass: generating {missing} transactions (seed {seed}); this takes a while")
    started = time.monotonic()
    subprocess.run([*manage, "budget_generate", "--transactions", str(missing), "--seed", str(seed)], check=True,
                   env=env, stdout=subprocess.DEVNULL)  # fmt: skip
    log(f"glass: generated in {time.monotonic() - started:.0f} s")


def run() -> list[dict[str, object]]:
    if not is_postgres():
        return [skipped(NAME, "ms", 1.0), skipped(P95_NAME, "ms", 50)]
    target = scale()
    try:
        prepare_database(target)
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_glass_queries", "--worker"],
            check=True,
            env=django_env(),
            capture_output=True,
            text=True,
            cwd=str(ROOT),
        )
    except subprocess.CalledProcessError as exc:
        log(f"{NAME}: {exc.stderr[-2000:] if exc.stderr else exc}")
        return [error_result(name=NAME, unit="ms", peer=PEER, goal=1.0, error="worker failed (see stderr)")]
    sys.stderr.write(out.stderr[-3000:])
    data = json.loads(out.stdout.strip().splitlines()[-1])
    extra = {"database": "postgresql", "transactions": data["transactions"], "questions": data["questions"],
             "repeats": data["repeats"]}  # fmt: skip
    return [
        result(name=NAME, value=data["ours_p95_ms"], unit="ms", peer=PEER, peer_value=data["duck_p95_ms"], goal=1.0,
               higher_is_better=False, per_question_ms=data["per_question"], **extra),
        result(name=P95_NAME, value=data["ours_p95_ms"], unit="ms", peer=PEER, peer_value=data["duck_p95_ms"],
               goal=50, higher_is_better=False, goal_of="value", **extra),
    ]  # fmt: skip


# --- the worker (runs inside Django) ----------------------------------------------------------------------------


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def export_to_duckdb(con, tmp: Path) -> None:  # type: ignore[no-untyped-def]
    """The tables the questions need, from PostgreSQL (COPY … TO STDOUT) into DuckDB."""
    from django.db import connection

    tables = {
        "t": "SELECT id, fiscal_year_id, agency_id, date, payee_id, amount, budget_line_id, contract_id "
        "FROM budget_transaction",
        "p": "SELECT id, name_lo, name_en, search_text FROM budget_payee",
        "c": "SELECT id, contract_id, budget_line_id, supplier_id, value, signed_on FROM budget_contract",
    }
    for name, sql in tables.items():
        path = tmp / f"{name}.csv"
        copy_sql = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)"
        with connection.cursor() as cur, open(path, "wb") as fh, cur.cursor.copy(copy_sql) as copy:
            for chunk in copy:
                fh.write(chunk)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv_auto('{path}', header=true)")
        path.unlink()


def worker() -> None:
    import random

    import django

    django.setup()
    import duckdb

    from elaos.budget import selectors
    from elaos.budget.models import AgencyYearTotal, BudgetLine, Contract, Transaction
    from elaos.budget.selectors import LINE_CONTRACTS_SHOWN, TransactionFilter

    repeats = env_int("BENCH_GLASS_REPEATS", 30)
    rng = random.Random(42)
    n = Transaction.objects.count()
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect()
        started = time.monotonic()
        export_to_duckdb(con, Path(tmp))
        print(f"[bench] glass: DuckDB loaded {n} transactions in {time.monotonic() - started:.1f} s", file=sys.stderr)
    from elaos.agencies.models import Organisation

    ministries = list(Organisation.objects.filter(parent__isnull=True).values_list("pk", flat=True))
    paid = AgencyYearTotal.objects.filter(transactions_count__gt=0)
    years = sorted(set(paid.values_list("fiscal_year_id", flat=True)))
    subtrees = {m: selectors.agency_subtree(m) for m in ministries}
    ministries = [m for m in ministries if paid.filter(agency_id__in=subtrees[m]).exists()]
    words = ["ສີສະຫວາດ", "mekong", "ວຽງຄຳ", "champa", "ພູວົງ", "naga", "technology", "ກໍ່ສ້າງ"]
    lines = list(
        Contract.objects.filter(budget_line__isnull=False).values_list("budget_line_id", flat=True).distinct()[:2000]
    )

    def ph(ids: list[int]) -> str:
        return ",".join(str(i) for i in ids)

    questions = {}

    def q_months():  # type: ignore[no-untyped-def]
        m, y = rng.choice(ministries), rng.choice(years)
        ours = lambda: selectors.agency_month_totals(subtrees[m], y)  # noqa: E731
        duck = lambda: con.execute(  # noqa: E731
            f"SELECT month(date) m, sum(amount), count(*) FROM t WHERE agency_id IN ({ph(subtrees[m])}) "
            f"AND fiscal_year_id = {y} GROUP BY m ORDER BY m").fetchall()  # fmt: skip
        return ours, duck

    def q_top_payees():  # type: ignore[no-untyped-def]
        m, y = rng.choice(ministries), rng.choice(years)
        ours = lambda: selectors.agency_top_payees_fast(subtrees[m], y, limit=10)  # noqa: E731
        duck = lambda: con.execute(  # noqa: E731
            f"SELECT x.payee_id, p.name_lo, p.name_en, x.s, x.n FROM (SELECT payee_id, sum(amount) s, count(*) n "
            f"FROM t WHERE agency_id IN ({ph(subtrees[m])}) AND fiscal_year_id = {y} GROUP BY payee_id "
            f"ORDER BY s DESC, payee_id LIMIT 10) x JOIN p ON p.id = x.payee_id ORDER BY x.s DESC"
        ).fetchall()  # fmt: skip
        return ours, duck

    def q_filtered():  # type: ignore[no-untyped-def]
        m, y = rng.choice(ministries), rng.choice(years)
        low = rng.choice([30, 40, 50, 60]) * 1_000_000
        high = low + rng.choice([20, 50, 500]) * 1_000_000
        f = TransactionFilter(agency_ids=subtrees[m], years=[y], min_amount=low, max_amount=high)
        ours = lambda: selectors.transactions_page(f, sort="-amount", limit=50).rows  # noqa: E731
        duck = lambda: con.execute(  # noqa: E731
            f"SELECT t.*, p.name_lo FROM t JOIN p ON p.id = t.payee_id WHERE agency_id IN ({ph(subtrees[m])}) "
            f"AND fiscal_year_id = {y} AND amount BETWEEN {low} AND {high} ORDER BY amount DESC, t.id DESC "
            "LIMIT 51").fetchall()  # fmt: skip
        return ours, duck

    def q_payee_search():  # type: ignore[no-untyped-def]
        w = rng.choice(words)
        ours = lambda: selectors.payee_search(w, limit=20)  # noqa: E731
        duck = lambda: con.execute(  # noqa: E731
            "SELECT p.id, p.name_lo, sum(t.amount) s FROM p JOIN t ON t.payee_id = p.id "
            "WHERE p.search_text ILIKE ? GROUP BY p.id, p.name_lo ORDER BY s DESC LIMIT 20", [f"%{w}%"]
        ).fetchall()  # fmt: skip
        return ours, duck

    def q_drill():  # type: ignore[no-untyped-def]
        line_id = rng.choice(lines)
        line = BudgetLine.objects.get(pk=line_id)
        ours = lambda: selectors.budget_line_drill(line)  # noqa: E731
        duck = lambda: (  # noqa: E731
            con.execute(
                f"SELECT c.id, c.contract_id, c.value, sum(t.amount), count(t.id) FROM c LEFT JOIN t "
                f"ON t.contract_id = c.id WHERE c.budget_line_id = {line_id} GROUP BY c.id, c.contract_id, c.value, "
                f"c.signed_on ORDER BY c.signed_on DESC, c.contract_id LIMIT {LINE_CONTRACTS_SHOWN}").fetchall(),
            con.execute(
                f"SELECT t.*, p.name_lo FROM t JOIN p ON p.id = t.payee_id WHERE budget_line_id = {line_id} "
                "AND contract_id IS NULL ORDER BY amount DESC, t.id DESC LIMIT 20").fetchall(),
        )  # fmt: skip
        return ours, duck

    questions = {"month_totals": q_months, "top_payees": q_top_payees, "filtered_page": q_filtered,
                 "payee_search": q_payee_search, "drill_through": q_drill}  # fmt: skip
    ours_all, duck_all, per = [], [], {}
    for name, make in questions.items():
        ours_t, duck_t = [], []
        for i in range(repeats + 3):
            ours, duck = make()
            for fn, bucket in ((ours, ours_t), (duck, duck_t)):
                t0 = time.perf_counter()
                fn()
                elapsed = (time.perf_counter() - t0) * 1000
                if i >= 3:  # warm-up
                    bucket.append(elapsed)
        ours_all += ours_t
        duck_all += duck_t
        per[name] = {"ours_p95": round(_p95(ours_t), 2), "duckdb_p95": round(_p95(duck_t), 2)}
        print(f"[bench] glass: {name}: ours p95 {per[name]['ours_p95']} ms, DuckDB {per[name]['duckdb_p95']} ms",
              file=sys.stderr)  # fmt: skip
    print(json.dumps({"transactions": n, "ours_p95_ms": _p95(ours_all), "duck_p95_ms": _p95(duck_all),
                      "per_question": per, "questions": len(questions), "repeats": repeats}))  # fmt: skip


if __name__ == "__main__" and "--worker" in sys.argv:
    worker()
