"""Publishing definitions: versions are immutable, and running work keeps the version it started on."""

import pytest
from django.core.exceptions import ValidationError

from conftest import licence_workflow
from elaos.accounts.models import User
from elaos.agencies.models import Organisation
from elaos.core.models import AuditEvent
from elaos.workflows.models import WorkflowDefinition, WorkflowInstance
from elaos.workflows.selectors import available_transitions
from elaos.workflows.services import workflow_definition_publish, workflow_start, workflow_transition


def publish(definition: dict, code: str = "licence") -> WorkflowDefinition:
    return workflow_definition_publish(code=code, name_lo="ໃບອະນຸຍາດ", name_en="Licence", definition=definition)


def fast_track() -> dict:
    """Version 2 of the licence workflow: submitting goes straight to review, and withdrawing is gone."""
    definition = licence_workflow()
    definition["transitions"] = [t for t in definition["transitions"] if t["code"] != "withdraw"]
    del definition["states"]["withdrawn"]
    next(t for t in definition["transitions"] if t["code"] == "submit")["to"] = "in_review"
    definition["transitions"] = [t for t in definition["transitions"] if t["code"] != "start_review"]
    del definition["states"]["submitted"]
    return definition


def test_first_publish_is_version_one_and_audited(db: None) -> None:
    published = publish(licence_workflow())

    assert (published.code, published.version) == ("licence", 1)
    [event] = AuditEvent.objects.filter(action="workflow.publish")
    assert event.data == {"code": "licence", "version": 1}


def test_publishing_the_same_definition_again_keeps_the_version(db: None) -> None:
    first = publish(licence_workflow())

    again = publish(licence_workflow())

    assert again == first
    assert WorkflowDefinition.objects.filter(code="licence").count() == 1
    assert AuditEvent.objects.filter(action="workflow.publish").count() == 1


def test_publishing_a_change_makes_the_next_version(db: None) -> None:
    first = publish(licence_workflow())

    second = publish(fast_track())

    assert second.version == first.version + 1
    first.refresh_from_db()
    assert first.definition == licence_workflow()
    assert publish(fast_track()) == second


def test_versions_count_per_code(db: None) -> None:
    publish(licence_workflow())
    publish(fast_track())

    assert publish(licence_workflow(), code="permit").version == 1


def test_an_invalid_definition_is_not_published(db: None) -> None:
    broken = licence_workflow()
    broken["initial"] = "nowhere"

    with pytest.raises(ValidationError) as refused:
        publish(broken)

    assert "initial state 'nowhere' is not defined" in refused.value.messages
    assert not WorkflowDefinition.objects.exists()
    assert not AuditEvent.objects.filter(action="workflow.publish").exists()


def test_running_work_keeps_its_version_after_a_new_one_is_published(
    citizen: User, officer: User, district_office: Organisation
) -> None:
    v1 = publish(licence_workflow())
    started_on_v1 = workflow_start(
        definition=v1, subject_type="licence_application", subject_id="OLD", applicant=citizen, office=district_office
    )

    v2 = publish(fast_track())
    started_on_v2 = workflow_start(
        definition=v2, subject_type="licence_application", subject_id="NEW", applicant=citizen, office=district_office
    )
    workflow_transition(instance=started_on_v1, transition="submit", actor=citizen)
    workflow_transition(instance=started_on_v2, transition="submit", actor=citizen)

    started_on_v1 = WorkflowInstance.objects.get(subject_id="OLD")
    assert (started_on_v1.definition, started_on_v1.state) == (v1, "submitted")
    assert [t["code"] for t in available_transitions(instance=started_on_v1, actor=citizen)] == ["withdraw"]
    assert [t["code"] for t in available_transitions(instance=started_on_v1, actor=officer)] == ["start_review"]
    assert WorkflowInstance.objects.get(subject_id="NEW").state == "in_review"
