"""Settings for the processes the fault tests start (gateway worker, periodic sweep, producer): the production
settings with the delivery timings made short enough for a test, and only the delivery sweep as periodic task."""

import os

from elaos.settings import *  # noqa: F403

NOTIFY_LEASE_SECONDS = float(os.environ.get("NOTIFY_LEASE_SECONDS", "2"))
NOTIFY_BATCH_SIZE = int(os.environ.get("NOTIFY_BATCH_SIZE", "500"))
NOTIFY_SMS_CONCURRENCY = int(os.environ.get("NOTIFY_SMS_CONCURRENCY", "4"))
PERIODIC_TASKS = [("elaos.notifications.tasks.deliver_due", 1)]
