"""Background work of safe migration, enqueued by the periodic scheduler (settings.PERIODIC_TASKS). Each is
idempotent: running it twice sends nothing twice."""

from django_tasks import task

from elaos.migration import services


@task()
def work_permit_reminders() -> int:
    """SMS workers whose work permit expires soon (settings.MIGRATION_PERMIT_REMINDER_DAYS)."""
    return services.work_permit_remind()


@task()
def referral_escalations() -> int:
    """Flag referrals past their due time and tell the supervisors of the referring office."""
    return len(services.referral_escalate_overdue())


@task()
def retention_sweep() -> dict[str, int]:
    """Anonymise records past their retention period (settings.MIGRATION_RETENTION_DAYS)."""
    return services.retention_sweep()
