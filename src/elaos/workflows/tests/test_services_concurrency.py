"""Two approvers press "approve" on the same application at the same moment: one move, one history row."""

import threading
import time
from typing import Any

import pytest
from django.db import connection

from conftest import OrganisationFactory, UserFactory, licence_workflow, staff_with_role
from elaos.accounts.models import User
from elaos.agencies.models import Organisation, Role
from elaos.core.models import AuditEvent
from elaos.workflows.actions import register_action
from elaos.workflows.models import WorkflowInstance, WorkflowTransition
from elaos.workflows.services import (
    TransitionNotAllowed,
    workflow_definition_publish,
    workflow_start,
    workflow_transition,
)


def slow_document(**kwargs: Any) -> None:
    # Keeps the first move's transaction open, so the second approver arrives while the first holds the lock.
    time.sleep(0.3)


def race(instance: WorkflowInstance, approvers: list[User], expected_version: int | None) -> dict[int, str]:
    """Both approvers approve at once, each on its own connection; what each of them got."""
    both_ready = threading.Barrier(len(approvers))
    outcomes: dict[int, str] = {}

    def approve(approver: User) -> None:
        try:
            both_ready.wait(timeout=10)
            workflow_transition(
                instance=instance, transition="approve", actor=approver, expected_version=expected_version
            )
            outcomes[approver.pk] = "approved"
        except TransitionNotAllowed as refused:
            outcomes[approver.pk] = type(refused).__name__
        # Anything else is kept for the assertion to show, rather than lost with the thread.
        except Exception as unexpected:
            outcomes[approver.pk] = repr(unexpected)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(approver,)) for approver in approvers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.fixture
def licensing_ministry(transactional_db: None) -> Organisation:
    """The office the approvers race in, and the roles they need. Built here rather than from the shared personas
    because an earlier transactional test may have flushed the roles and geography that migrations load."""
    for code in ("reviewer", "approver"):
        Role.objects.get_or_create(code=code, defaults={"name_lo": code, "name_en": code})
    return OrganisationFactory(code="mpwt", name_lo="ກະຊວງໂຍທາທິການ ແລະ ຂົນສົ່ງ", name_en="Public Works")


@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_make_one_move(licensing_ministry: Organisation) -> None:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(
            "the SQLite test database is in memory with a shared cache, where a second writer gets 'database table "
            "is locked' at once instead of waiting out the busy timeout; on a SQLite file (IMMEDIATE transactions) "
            "and on PostgreSQL the writers queue and this test runs"
        )
    citizen = UserFactory()
    reviewer = staff_with_role("reviewer", licensing_ministry)
    approvers = [staff_with_role("approver", licensing_ministry) for _ in range(2)]
    register_action("test_concurrency_slow_document", slow_document, subject_type="concurrency_application")
    definition = licence_workflow()
    definition["states"]["awaiting_payment"]["on_enter"] = [{"action": "test_concurrency_slow_document"}]
    published = workflow_definition_publish(
        code="licence_concurrency", name_lo="ໃບອະນຸຍາດ", name_en="Licence", definition=definition
    )

    # Both pages posting the version they showed, as the web forms do; then a caller that posts no version.
    for subject_id, posts_version, refusal in [
        ("FORM", True, "ConcurrentUpdate"),
        ("NO-VERSION", False, "TransitionNotAllowed"),
    ]:
        instance = workflow_start(
            definition=published,
            subject_type="concurrency_application",
            subject_id=subject_id,
            applicant=citizen,
            office=licensing_ministry,
        )
        workflow_transition(instance=instance, transition="submit", actor=citizen)
        workflow_transition(instance=instance, transition="start_review", actor=reviewer)
        shown_version = instance.version

        outcomes = race(instance, approvers, shown_version if posts_version else None)

        assert sorted(outcomes.values()) == sorted(["approved", refusal]), subject_id
        instance = WorkflowInstance.objects.get(pk=instance.pk)
        assert (instance.state, instance.version) == ("awaiting_payment", shown_version + 1)
        [move] = WorkflowTransition.objects.filter(instance=instance, transition="approve")
        assert outcomes[move.actor_id] == "approved"
    assert AuditEvent.objects.filter(action="workflow.approve").count() == 2
