from types import SimpleNamespace

from conftest import OrganisationFactory, staff_with_role
from elaos.agencies.models import Organisation
from elaos.migration.actions import licensing_errors
from elaos.migration.models import RecruitmentAgency
from elaos.services import services as service_services
from elaos.services.definition import DEFINITIONS_DIR, load_file
from elaos.workflows.services import workflow_transition


def test_an_approved_licence_application_enters_the_register(ministry, citizen) -> None:  # type: ignore[no-untyped-def]
    skills = OrganisationFactory(code="molsw-skills", kind=Organisation.Kind.DEPARTMENT, parent=ministry)
    approver = staff_with_role("approver", skills)
    definition = load_file(DEFINITIONS_DIR / "recruitment-agency-licensing.yaml")
    service = service_services.service_import(actor=None, definition=definition).service
    application = service_services.application_create(applicant=citizen, service=service)
    data = {
        "request": "new",
        "enterprise_name": "ບໍລິສັດ ທົດລອງ",
        "enterprise_registration_number": "ENT-9",
        "registered_capital_kip": 500000000,
        "scope": "overseas",
        "manager_full_name": "Somchai S.",
        "head_office_address": "Ban Phonxay, Vientiane",
    }
    application = service_services.application_save_draft(actor=citizen, application=application, data=data)
    instance = application.workflow
    workflow_transition(instance=instance, transition="submit", actor=citizen)
    workflow_transition(instance=instance, transition="payment_received", actor=None, system=True)
    workflow_transition(instance=instance, transition="start_review", actor=approver)
    workflow_transition(instance=instance, transition="approve", actor=approver)
    agency = RecruitmentAgency.objects.get(source_application_id=application.public_id)
    assert agency.status == "active"
    assert agency.name_lo == "ບໍລິສັດ ທົດລອງ"
    again = SimpleNamespace(data=data)
    assert "enterprise_registration_number" in licensing_errors(again)
    renewal = SimpleNamespace(data={"request": "renewal", "licence_number": agency.licence_number})
    assert licensing_errors(renewal) == {}
    assert "licence_number" in licensing_errors(SimpleNamespace(data={"request": "renewal", "licence_number": "X"}))
