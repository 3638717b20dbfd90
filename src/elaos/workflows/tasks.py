from django_tasks import task

from elaos.workflows.services import workflow_sla_sweep


@task()
def sla_sweep() -> int:
    """Run by a scheduler (cron or a periodic task) every few minutes."""
    return len(workflow_sla_sweep())
