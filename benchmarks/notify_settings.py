"""Settings for `notify_throughput`'s processes: the benchmark (production) settings, with the delivery tuning read
from the environment (BENCH_NOTIFY_CONCURRENCY is passed on as NOTIFY_SMS_CONCURRENCY)."""

import os

from benchmarks.settings import *  # noqa: F403

for _name in ("NOTIFY_SMS_CONCURRENCY", "NOTIFY_BATCH_SIZE", "NOTIFY_FLUSH_SIZE"):
    if os.environ.get(_name):
        globals()[_name] = int(os.environ[_name])
if os.environ.get("NOTIFY_FLUSH_SECONDS"):
    NOTIFY_FLUSH_SECONDS = float(os.environ["NOTIFY_FLUSH_SECONDS"])
