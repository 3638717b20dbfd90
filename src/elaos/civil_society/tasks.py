"""Background work of the NPA register, run daily by a scheduler."""

from django_tasks import task

from elaos.civil_society.services import annual_report_remind


@task()
def annual_report_reminders() -> dict[str, int]:
    """Remind administrators of last year's annual report from 30 days before its deadline, once each, and flag
    reports whose deadline passed. Safe to run any number of times a day."""
    return annual_report_remind()
