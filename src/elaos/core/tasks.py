"""Helpers for background tasks (django-tasks)."""

import logging
from datetime import datetime
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Any, *args: Any, run_after: datetime | None = None) -> None:
    """Queue `task` once the surrounding transaction commits (never for rolled-back work).

    A backend that cannot defer (the immediate backend used by browser tests) cannot run anything later; the
    deferred run is then skipped and logged, and the periodic sweeps catch up."""

    def enqueue() -> None:
        if run_after is None:
            task.enqueue(*args)
        elif task.get_backend().supports_defer:
            task.using(run_after=run_after).enqueue(*args)
        else:
            logger.warning("task %s not deferred: the task backend cannot run tasks later", task.name)

    transaction.on_commit(enqueue)
