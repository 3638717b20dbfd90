"""Run every benchmarks/bench_*.py module (or those named on the command line) and print their results, one JSON
object per line, on stdout. Progress and diagnostics go to stderr. Exits 1 if any benchmark failed."""

import argparse
import contextlib
import importlib
import json
import pkgutil
import signal
import sys
import traceback
from types import ModuleType

import benchmarks
from benchmarks.harness import format_line, log, shared_sites


def discover() -> list[str]:
    return sorted(info.name for info in pkgutil.iter_modules(benchmarks.__path__) if info.name.startswith("bench_"))


def _terminate(signum: int, frame: object) -> None:
    # Turn SIGTERM into an exception so that `finally` blocks stop the servers the benchmarks started.
    raise SystemExit(128 + signum)


def run_one(module: ModuleType) -> list[str]:
    # Stray prints from benchmark code must not mix with the result lines.
    with contextlib.redirect_stdout(sys.stderr):
        rows = module.run()
    return [format_line(row) for row in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", help="benchmark modules to run, e.g. home_vs_hello (default: all)")
    args = parser.parse_args(argv)
    available = discover()
    wanted = [n if n.startswith("bench_") else f"bench_{n}" for n in args.names] or available
    unknown = sorted(set(wanted) - set(available))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; available: {', '.join(available)}")
    signal.signal(signal.SIGTERM, _terminate)
    failed = []
    # One site (database, static files, demo data) for the whole run: preparing it takes most of a minute.
    with shared_sites():
        for name in wanted:
            log(f"running {name}")
            try:
                lines = run_one(importlib.import_module(f"benchmarks.{name}"))
            except Exception:
                traceback.print_exc(file=sys.stderr)
                failed.append(name)
                continue
            for line in lines:
                print(line, flush=True)
            # A line with an "error" (the benchmark could not measure, and says why) is printed, and still fails.
            if any("error" in json.loads(line) for line in lines):
                failed.append(name)
    if failed:
        log(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
