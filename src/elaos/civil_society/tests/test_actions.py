"""An approved "npa-registration" application enters the association in the register (workflow action
npa_register): a real application, driven through the services domain from draft to approval."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import UserFactory, staff_with_role
from elaos.accounts.models import User
from elaos.agencies.models import Organisation, Sector
from elaos.civil_society.models import Npa
from elaos.core.models import District, Province
from elaos.services import services
from elaos.services.definition import DEFINITIONS_DIR, load_file
from elaos.services.models import Application, Service

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"

FORM = {
    "name_lo": "ສະມາຄົມນັກພັດທະນາຊອບແວລາວ",
    "name_en": "Lao Software Developers Association",
    "level": "national",
    "association_type": "professional",
    "founding_members": 12,
    "objectives": "ຝຶກອົບຮົມນັກພັດທະນາ ແລະ ສົ່ງເສີມຊອບແວພາສາລາວ ໃຫ້ທົ່ວເຖິງທຸກແຂວງ",
    "head_office_address": "ບ້ານສະພັງເມິກ, ເມືອງສີສັດຕະນາກ, ນະຄອນຫຼວງວຽງຈັນ",
    "line_ministry": "ກະຊວງເຕັກໂນໂລຊີ ແລະ ການສື່ສານ",
}


@pytest.fixture
def npa_service(moha_npa: Organisation) -> Service:
    return services.service_import(actor=None, definition=load_file(DEFINITIONS_DIR / "npa-registration.yaml")).service


@pytest.fixture
def digital(db: None) -> Sector:
    from conftest import OrganisationFactory

    mtc = OrganisationFactory(code="mtc", name_lo="ກະຊວງເຕັກໂນໂລຊີ ແລະ ການສື່ສານ", name_en="Ministry of Technology")
    return Sector.objects.create(code="digital", name_lo="ເຕັກໂນໂລຊີ", name_en="Digital", line_ministry=mtc)


@pytest.fixture
def founder(db: None) -> User:
    return UserFactory(
        given_name_lo="ອານຸສອນ",
        family_name_lo="ແສງມະນີ",
        given_name_latin="Anousone",
        family_name_latin="Sengmany",
        province=Province.objects.get(code="13"),
    )


def submitted(service: Service, applicant: User, data: dict) -> Application:
    application = services.application_create(applicant=applicant, service=service)
    services.application_save_draft(actor=applicant, application=application, data=data)
    for requirement in ("charter", "founders_list", "founding_minutes"):
        services.application_upload(
            actor=applicant,
            application=application,
            requirement=requirement,
            upload=SimpleUploadedFile(f"{requirement}.pdf", PDF, content_type="application/pdf"),
        )
    return services.application_submit(actor=applicant, application=application)


def to_decision(application: Application, approver: User) -> Application:
    """Review, then the opinion of the line ministry the form names (the flow asks for it before the decision)."""
    application = services.application_act(actor=approver, application=application, transition="start_review")
    application = services.application_act(actor=approver, application=application, transition="request_opinion")
    ministry = Sector.objects.get(code="digital").line_ministry
    opinion_giver = staff_with_role("approver", ministry, email=f"opinion-{application.reference}@gov.la")
    return services.application_act(
        actor=opinion_giver, application=application, transition="give_opinion", reason="ເຫັນດີ"
    )


def approve(application: Application, approver: User) -> Application:
    application = to_decision(application, approver)
    return services.application_act(actor=approver, application=application, transition="approve")


def test_approval_registers_the_association(
    npa_service: Service, moha_npa: Organisation, founder: User, digital: Sector
) -> None:
    approver = staff_with_role("approver", moha_npa, email="approver@moha.gov.la")
    application = submitted(npa_service, founder, FORM)
    assert application.office == moha_npa, "services._route_office sends it to the department"
    assert not Npa.objects.exists()

    application = approve(application, approver)

    assert application.state == "approved"
    npa = Npa.objects.get()
    assert (npa.name_lo, npa.name_en) == (FORM["name_lo"], FORM["name_en"])
    assert npa.type == Npa.Type.PROFESSIONAL_TECHNICAL_CREATIVE
    assert npa.level == Npa.Level.NATIONAL
    assert npa.sector == digital
    assert npa.province == Province.objects.get(code="01"), "the province named in the address"
    assert npa.district == District.objects.get(province__code="01", name_lo__contains="ສີສັດຕະນາກ")
    assert npa.objectives_lo == FORM["objectives"]
    assert npa.source_application_id == application.public_id
    assert [(o.role, o.name_lo, o.name_latin) for o in npa.officers.all()] == [
        ("president", "ອານຸສອນ ແສງມະນີ", "Anousone Sengmany")
    ]
    assert npa.status_changes.get().actor == approver
    assert application.document_id is not None, "the certificate is still issued"


def test_refusal_registers_nothing(npa_service: Service, moha_npa: Organisation, founder: User) -> None:
    approver = staff_with_role("approver", moha_npa, email="approver@moha.gov.la")
    application = submitted(npa_service, founder, FORM)
    services.application_act(actor=approver, application=application, transition="reject", reason="ບໍ່ຄົບ")
    assert not Npa.objects.exists()


def test_other_services_are_left_alone(certificate_service: Service, approver: User, citizen: User) -> None:
    """The action is registered for every application, but acts only on npa-registration ones (here a service
    whose workflow carries the action, as a copied library workflow would)."""
    from elaos.civil_society.actions import on_npa_register

    application = services.application_create(applicant=citizen, service=certificate_service)
    on_npa_register(instance=application.workflow, config={"action": "npa_register"}, transition=None)
    assert not Npa.objects.exists()


def test_a_name_already_registered_stops_the_approval(
    npa_service: Service, moha_npa: Organisation, founder: User, other_citizen: User, digital: Sector
) -> None:
    from elaos.civil_society.tests.conftest import register_npa

    register_npa(name_lo=FORM["name_lo"], name_en="")
    approver = staff_with_role("approver", moha_npa, email="approver@moha.gov.la")
    application = submitted(npa_service, founder, FORM)
    application = to_decision(application, approver)
    # Checked by field, not by text: the message is translated into the active language.
    with pytest.raises(ValidationError) as refused:
        services.application_act(actor=approver, application=application, transition="approve")
    assert "name_lo" in refused.value.message_dict
    application.refresh_from_db()
    assert application.state == "decision"
    assert Npa.objects.count() == 1
