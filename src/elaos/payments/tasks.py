from datetime import datetime

from django_tasks import task

from elaos.core.tasks import enqueue_on_commit


@task()
def expire_payments() -> int:
    """Expire every pending payment past its deadline. Idempotent: run it as often as you like."""
    # Imported here: services enqueues this task, so a module-level import would be circular.
    from elaos.payments.services import payments_expire_overdue

    return payments_expire_overdue()


def enqueue_expiry(*, run_after: datetime) -> None:
    """Sweep once a payment's deadline has passed, after the transaction that created it commits."""
    enqueue_on_commit(expire_payments, run_after=run_after)
