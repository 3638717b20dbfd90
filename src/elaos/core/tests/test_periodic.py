import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult


@pytest.mark.django_db
@override_settings(
    PERIODIC_TASKS=[("elaos.workflows.tasks.sla_sweep", 300), ("elaos.payments.tasks.expire_payments", 60)]
)
def test_periodic_once_enqueues_every_scheduled_task() -> None:
    out = io.StringIO()
    call_command("periodic", once=True, stdout=out)
    names = sorted(DBTaskResult.objects.values_list("task_path", flat=True))
    assert names == ["elaos.payments.tasks.expire_payments", "elaos.workflows.tasks.sla_sweep"]
    assert "enqueued" in out.getvalue()
