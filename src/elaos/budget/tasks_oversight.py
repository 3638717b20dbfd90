"""Background work of the oversight part of Glass Accounts: red flags after a publish and nightly, the weekly glass
index, alert digests and the nightly bulk dumps. Every task is idempotent (see settings.PERIODIC_TASKS)."""

from django_tasks import task

from elaos.budget.alerts import alerts_send
from elaos.budget.fdp import bulk_dump_write
from elaos.budget.flags import flags_detect
from elaos.budget.glass_index import glass_index_current


@task()
def flags_after_publish(fiscal_year: int | None, agency_id: int | None) -> dict[str, int]:
    """Detect the flags of what one publish touched (enqueue with enqueue_on_commit from the publish)."""
    return flags_detect(fiscal_year=fiscal_year, agency=agency_id)


@task()
def flags_nightly() -> dict[str, int]:
    return flags_detect()


@task()
def glass_index_weekly() -> int:
    """This week's snapshot; run daily, it only ever rewrites the current week's rows."""
    return len(glass_index_current())


@task(queue_name="notifications")
def alerts_digest() -> dict[str, int]:
    return alerts_send()


@task()
def bulk_dump_nightly() -> int:
    return len(bulk_dump_write())
