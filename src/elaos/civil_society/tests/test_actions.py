"""An approved "npa-registration" application enters the association in the register with its founders as officers
(workflow action npa_register): a real application, driven through the services domain from draft to approval. What
the approval would refuse (a name already registered, founders that cannot be read) is refused when it is sent."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

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
    "founders": "president: ອານຸສອນ ແສງມະນີ / Anousone Sengmany\n"
    "Vice-president: ນາງ ພອນສະຫວັນ ໄຊຍະວົງ / Phonesavanh Xayavong\n"
    "\n"
    "treasurer: ບຸນມີ ສີສຸວັນ",
    "line_ministry": "digital",
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


def drafted(service: Service, applicant: User, data: dict) -> Application:
    application = services.application_create(applicant=applicant, service=service)
    services.application_save_draft(actor=applicant, application=application, data=data)
    for requirement in ("charter", "founders_list", "founding_minutes"):
        services.application_upload(
            actor=applicant,
            application=application,
            requirement=requirement,
            upload=SimpleUploadedFile(f"{requirement}.pdf", PDF, content_type="application/pdf"),
        )
    return application


def submitted(service: Service, applicant: User, data: dict) -> Application:
    return services.application_submit(actor=applicant, application=drafted(service, applicant, data))


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
        ("president", "ອານຸສອນ ແສງມະນີ", "Anousone Sengmany"),
        ("vice_president", "ນາງ ພອນສະຫວັນ ໄຊຍະວົງ", "Phonesavanh Xayavong"),
        ("treasurer", "ບຸນມີ ສີສຸວັນ", ""),
    ], "every founder, in the order listed"
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
    npa_service: Service, moha_npa: Organisation, founder: User, digital: Sector
) -> None:
    """Registered by another application between the submission and the decision."""
    from elaos.civil_society.tests.conftest import register_npa

    approver = staff_with_role("approver", moha_npa, email="approver@moha.gov.la")
    application = submitted(npa_service, founder, FORM)
    application = to_decision(application, approver)
    register_npa(name_lo=FORM["name_lo"], name_en="")
    # Checked by field, not by text: the message is translated into the active language.
    with pytest.raises(ValidationError) as refused:
        services.application_act(actor=approver, application=application, transition="approve")
    assert "name_lo" in refused.value.message_dict
    application.refresh_from_db()
    assert application.state == "decision"
    assert Npa.objects.count() == 1


# Refused when sent


@pytest.mark.parametrize(
    ("field", "registered"),
    [
        ("name_lo", {"name_lo": "ສະມາຄົມ ນັກພັດທະນາຊອບແວລາວ"}),
        ("name_en", {"name_en": "lao software developers association"}),
    ],
    ids=["lao", "english"],
)
def test_a_name_already_registered_is_refused_when_sent(
    npa_service: Service, founder: User, field: str, registered: dict
) -> None:
    """The same name after normalisation (spacing, case), in Lao or in English."""
    from elaos.civil_society.tests.conftest import register_npa

    taken = register_npa(**{"name_lo": "ສະມາຄົມອື່ນ", "name_en": "", **registered})

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        submitted(npa_service, founder, FORM)

    assert refused.value.message_dict == {field: [f"This name is already registered: {taken.registration_number}."]}
    application = Application.objects.get()
    assert (application.state, application.submitted_at) == ("draft", None)
    assert application.data["name_lo"] == FORM["name_lo"], "the draft keeps what was typed"


def test_a_dissolved_association_keeps_its_name(npa_service: Service, founder: User) -> None:
    from elaos.civil_society.tests.conftest import register_npa

    taken = register_npa(name_lo=FORM["name_lo"], name_en="")
    Npa.objects.filter(pk=taken.pk).update(status=Npa.Status.DISSOLVED)

    with pytest.raises(ValidationError) as refused:
        submitted(npa_service, founder, FORM)

    assert "name_lo" in refused.value.message_dict


def test_founders_are_required(npa_service: Service, founder: User) -> None:
    for founders in ("", " \n \n"):
        with translation.override("en"), pytest.raises(ValidationError) as refused:
            submitted(npa_service, founder, {**FORM, "founders": founders})
        assert refused.value.message_dict == {"founders": ["This field is required."]}


def test_an_unreadable_founder_line_is_named(npa_service: Service, founder: User) -> None:
    founders = "president: ອານຸສອນ ແສງມະນີ\nchairman: ບຸນມີ ສີສຸວັນ\nsecretary ນາງ ແສງດາວ"

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        submitted(npa_service, founder, {**FORM, "founders": founders})

    assert refused.value.message_dict == {
        "founders": ["Write one officer a line: role, a colon, then the name: chairman: ບຸນມີ ສີສຸວັນ"]
    }


def test_a_draft_of_the_form_without_founders_registers_the_applicant(
    npa_service: Service, moha_npa: Organisation, founder: User, digital: Sector
) -> None:
    """A draft begun on the earlier form (free-text line ministry, no founders) is still sent and registered."""
    earlier = load_file(DEFINITIONS_DIR / "npa-registration.yaml")
    schema = earlier["form"]["schema"]
    del schema["properties"]["founders"], earlier["form"]["ui"]["founders"]
    schema["required"].remove("founders")
    schema["properties"]["line_ministry"] = {"type": "string", "minLength": 2, "maxLength": 150}
    del earlier["form"]["ui"]["line_ministry"]["choices"], earlier["form"]["ui"]["line_ministry"]["widget"]
    services.service_import(actor=None, definition=earlier)
    npa_service.refresh_from_db()
    old_form = {k: v for k, v in FORM.items() if k != "founders"} | {"line_ministry": "ກະຊວງເຕັກໂນໂລຊີ ແລະ ການສື່ສານ"}
    application = drafted(npa_service, founder, old_form)
    services.service_import(actor=None, definition=load_file(DEFINITIONS_DIR / "npa-registration.yaml"))

    application = services.application_submit(actor=founder, application=application)
    approve(application, staff_with_role("approver", moha_npa, email="approver@moha.gov.la"))

    npa = Npa.objects.get()
    assert npa.sector == digital
    assert [(o.role, o.name_latin) for o in npa.officers.all()] == [("president", "Anousone Sengmany")]
