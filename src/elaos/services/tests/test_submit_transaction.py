"""The edit page's Submit is one short write transaction: the answers, every file and the move to "submitted"
(history, audit, the applicant's notice) are kept together or not at all, and the application is not read again
and again on the way."""

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from elaos.accounts.models import User
from elaos.agencies.models import Organisation
from elaos.core.audit import audit_events_for, audit_verify_chain
from elaos.core.models import AuditEvent
from elaos.notifications.models import Message
from elaos.services import services
from elaos.services.models import Application, ApplicationFile, Service
from elaos.services.tests.test_views_citizen import PDF, VALID, edit_url, residence_definition
from elaos.workflows import services as workflow_services
from elaos.workflows.models import WorkflowTransition

pytestmark = pytest.mark.django_db

TWO_DOCUMENTS = [
    {"code": code, "name_lo": code, "name_en": code, "required": True, "types": ["pdf"], "max_mb": 1}
    for code in ("id_card", "family_book")
]


@pytest.fixture
def two_document_service(ministry: Organisation, district_office: Organisation) -> Service:
    definition = residence_definition(agency=ministry.code, offices=[district_office.code], documents=TWO_DOCUMENTS)
    return services.service_import(actor=None, definition=definition).service


@pytest.fixture
def draft(two_document_service: Service, citizen: User) -> Application:
    return services.application_create(applicant=citizen, service=two_document_service)


def _files() -> dict[str, Any]:
    return {
        f"document-{code}": SimpleUploadedFile(f"{code}.pdf", PDF, content_type="application/pdf")
        for code in ("id_card", "family_book")
    }


def _stored(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_submit_keeps_answers_files_and_the_move_with_one_audit_event_each(
    client: Client, citizen: User, draft: Application, storage_root: Path
) -> None:
    client.force_login(citizen)

    response = client.post(edit_url(draft), {**VALID, **_files(), "action": "submit"})

    assert response.status_code == 302
    assert response["Location"].endswith("/status/")
    draft.refresh_from_db()
    assert draft.state == "submitted"
    assert draft.submitted_at is not None
    assert draft.data["address"] == VALID["address"]
    assert sorted(draft.files.values_list("requirement", flat=True)) == ["family_book", "id_card"]
    assert len(_stored(storage_root)) == 2
    assert list(WorkflowTransition.objects.filter(instance=draft.workflow).values_list("transition", flat=True)) == [
        "submit"
    ]
    actions = list(audit_events_for(draft).values_list("action", flat=True))
    assert actions.count("application.upload") == 2
    assert AuditEvent.objects.filter(action="workflow.submit", object_id=str(draft.workflow.public_id)).count() == 1
    assert audit_verify_chain()[1] is None
    assert Message.objects.filter(idempotency_key__startswith=f"application:{draft.public_id}:submitted:").count() == 1


def test_submit_reads_the_application_once_under_its_lock(client: Client, citizen: User, draft: Application) -> None:
    client.force_login(citizen)
    client.get(edit_url(draft))

    with CaptureQueriesContext(connection) as captured:
        response = client.post(edit_url(draft), {**VALID, **_files(), "action": "submit"})

    assert response.status_code == 302
    statements = [q["sql"] for q in captured.captured_queries]
    reads = [s for s in statements if s.startswith("SELECT") and 'FROM "services_application"' in s]
    heads = [s for s in statements if s.startswith("SELECT") and 'FROM "core_audithead"' in s]
    # The page's own look-up, then the locked read the whole submission works on.
    assert len(reads) == 2, reads
    # The chain's head, which every audited write of the platform waits for, is locked once, for all of the
    # submission's events, after its other work: only the audit rows follow it before the commit.
    assert len(heads) == 1, heads
    after_head = statements[statements.index(heads[0]) + 1 :]
    assert [" ".join(s.split()[:3]) for s in after_head if not s.startswith("RELEASE")] == [
        'INSERT INTO "core_auditevent"',
        'UPDATE "core_audithead" SET',
    ], after_head
    assert len(statements) <= 32, "\n".join(statements)


def test_a_failed_move_keeps_nothing_of_the_submission(
    client: Client, citizen: User, draft: Application, storage_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("the workflow engine failed")

    monkeypatch.setattr(services, "workflow_transition", broken)
    client.force_login(citizen)
    client.raise_request_exception = True

    with pytest.raises(RuntimeError, match="workflow engine"):
        client.post(edit_url(draft), {**VALID, **_files(), "action": "submit"})

    draft.refresh_from_db()
    assert (draft.state, draft.submitted_at, draft.data) == ("draft", None, {})
    assert not ApplicationFile.objects.exists()
    assert _stored(storage_root) == []


def test_a_second_submit_changes_nothing(client: Client, citizen: User, draft: Application) -> None:
    client.force_login(citizen)
    first = client.post(edit_url(draft), {**VALID, **_files(), "action": "submit"})
    second = client.post(edit_url(draft), {**VALID, **_files(), "action": "submit"})

    assert first.status_code == second.status_code == 302
    assert second["Location"].endswith("/status/")
    assert WorkflowTransition.objects.filter(instance__subject_id=str(draft.public_id)).count() == 1
    assert ApplicationFile.objects.filter(application=draft).count() == 2


def test_the_callers_instance_is_moved_on_without_reading_it_again(draft: Application, citizen: User) -> None:
    instance = draft.workflow

    with CaptureQueriesContext(connection) as captured:
        moved = workflow_services.workflow_transition(
            instance=instance, transition="withdraw", actor=citizen, subject=draft
        )

    assert (instance.state, instance.version, instance.is_terminal) == ("withdrawn", 1, True)
    assert moved.subject is draft
    assert instance.state == type(instance).objects.get(pk=instance.pk).state
    selects = [q["sql"] for q in captured.captured_queries if 'FROM "workflows_workflowinstance"' in q["sql"]]
    assert len(selects) == 1, selects
