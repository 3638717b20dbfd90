"""Two officers press "approve" on the same application at the same moment, through the back-office page: one
approval goes through, the other officer gets a clear conflict (409, "Someone else changed this just now") and the
page as it now is. One move in the history, one document.

Threads against the real database: on PostgreSQL the workflow's row lock makes the second wait for the first and
then find the version changed. The in-memory SQLite test database cannot hold two writers (the engine's own race
test, workflows/tests/test_services_concurrency.py, says why); there the same two posts are made one after the
other, which is what the lock turns the race into."""

import importlib
import threading

import pytest
from django.apps import apps
from django.db import connection, connections
from django.test import Client

from conftest import staff_with_role
from elaos.accounts.models import User
from elaos.agencies.models import Organisation
from elaos.core.geography import load_geography
from elaos.core.models import District, Province
from elaos.services.models import Application
from elaos.services.tests.test_views_backoffice import act, state_of, verified_client
from elaos.workflows.models import WorkflowTransition

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def reference_data(transactional_db: None) -> None:
    """The geography and roles that migrations load: an earlier transactional test may have flushed them."""
    load_geography(Province, District)
    importlib.import_module("elaos.agencies.migrations.0002_roles").forwards(apps, None)


@pytest.fixture
def officers(district_office: Organisation) -> list[Client]:
    reviewers = [
        staff_with_role("reviewer", district_office, email=f"approver{n}@gov.la", given_name_latin=f"Approver{n}")
        for n in range(2)
    ]
    return [verified_client(user) for user in reviewers]


def test_two_officers_approving_at_once_one_wins_the_other_gets_a_conflict(
    officers: list[Client], submitted_certificate_application: Application, citizen: User
) -> None:
    pytest.importorskip("elaos.documents.services", reason="approval issues a document")
    application = submitted_certificate_application
    assert act(officers[0], application, "start_review").status_code == 302
    application.workflow.refresh_from_db()
    shown_version = application.workflow.version  # the version both officers' pages were drawn with
    answers: list[tuple[int, str]] = []

    def approve(client: Client) -> None:
        try:
            response = act(client, application, "approve", version=shown_version)
            answers.append((response.status_code, response.content.decode()))
        finally:
            connections.close_all()

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        for client in officers:
            approve(client)
    else:
        start = threading.Barrier(2)

        def at_once(client: Client) -> None:
            start.wait(timeout=10)
            approve(client)

        threads = [threading.Thread(target=at_once, args=(client,)) for client in officers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    statuses = sorted(status for status, _ in answers)
    assert statuses == [302, 409], [(status, html[:300]) for status, html in answers]
    conflict = next(html for status, html in answers if status == 409)
    assert "Someone else changed this just now" in conflict
    assert "Traceback" not in conflict
    assert state_of(application) == "approved"
    assert WorkflowTransition.objects.filter(instance=application.workflow, transition="approve").count() == 1
    assert application.document_id is not None
