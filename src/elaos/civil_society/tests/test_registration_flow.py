"""The NPA services through the workflow engine: a registration is routed by the association's level, given an
opinion by the line ministry of its sector and decided by the registering office, with a deadline per stage; an
amendment replaces the officers and a dissolution dissolves the association."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from conftest import OrganisationFactory, UserFactory, staff_with_role
from elaos.accounts.models import User
from elaos.agencies.models import Organisation, Sector
from elaos.civil_society.models import Npa, NpaMembership
from elaos.core.audit import audit_events_for
from elaos.core.models import District, Province
from elaos.services import services
from elaos.services.definition import DEFINITIONS_DIR, load_file, resolve_workflow, workflow_stages
from elaos.services.models import Application, Service
from elaos.workflows.services import TransitionNotAllowed

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"

FORM = {
    "name_lo": "ສະມາຄົມແພດຊົນນະບົດ",
    "name_en": "Rural Doctors Association",
    "level": "national",
    "association_type": "professional",
    "founding_members": 15,
    "objectives": "ສົ່ງເສີມການປິ່ນປົວໃນເຂດຊົນນະບົດ ແລະ ຝຶກອົບຮົມແພດບ້ານ ໃຫ້ທົ່ວເຖິງ",
    "head_office_address": "ບ້ານສີຫອມ, ເມືອງຈັນທະບູລີ, ນະຄອນຫຼວງວຽງຈັນ",
    "founders": "president: ສົມພອນ ວົງສາ / Somphone Vongsa\nsecretary: ນາງ ດາວວົງ ພົມມະຈັນ / Daovong Phommachanh",
    "line_ministry": "health",
}


def import_service(code: str) -> Service:
    return services.service_import(actor=None, definition=load_file(DEFINITIONS_DIR / f"{code}.yaml")).service


@pytest.fixture
def registration(moha_npa: Organisation) -> Service:
    return import_service("npa-registration")


@pytest.fixture
def moha_svk(moha: Organisation) -> Organisation:
    return OrganisationFactory(
        code="moha-svk",
        kind=Organisation.Kind.PROVINCIAL_DEPARTMENT,
        parent=moha,
        province=Province.objects.get(code="13"),
    )


@pytest.fixture
def moha_vte(moha: Organisation) -> Organisation:
    return OrganisationFactory(
        code="moha-vte",
        kind=Organisation.Kind.PROVINCIAL_DEPARTMENT,
        parent=moha,
        province=Province.objects.get(code="01"),
    )


@pytest.fixture
def moha_chanthabouly(moha_vte: Organisation) -> Organisation:
    chanthabouly = District.objects.get(code="0101")
    return OrganisationFactory(
        code="moha-vte-chanthabouly",
        kind=Organisation.Kind.DISTRICT_OFFICE,
        parent=moha_vte,
        province=chanthabouly.province,
        district=chanthabouly,
    )


@pytest.fixture
def founder(db: None) -> User:
    return UserFactory(given_name_lo="ສົມພອນ", family_name_lo="ວົງສາ", given_name_latin="Somphone")


def upload(applicant: User, application: Application, *requirements: str) -> None:
    for requirement in requirements:
        services.application_upload(
            actor=applicant,
            application=application,
            requirement=requirement,
            upload=SimpleUploadedFile(f"{requirement}.pdf", PDF, content_type="application/pdf"),
        )


def submit(service: Service, applicant: User, data: dict, *requirements: str) -> Application:
    application = services.application_create(applicant=applicant, service=service)
    services.application_save_draft(actor=applicant, application=application, data=data)
    upload(applicant, application, *requirements)
    return services.application_submit(actor=applicant, application=application)


def submit_registration(service: Service, applicant: User, **changes: object) -> Application:
    return submit(service, applicant, {**FORM, **changes}, "charter", "founders_list", "founding_minutes")


def act(actor: User, application: Application, transition: str, reason: str = "") -> Application:
    return services.application_act(actor=actor, application=application, transition=transition, reason=reason)


# Routing by level


def test_a_national_association_goes_to_the_department(registration: Service, founder: User, moha_npa) -> None:  # type: ignore[no-untyped-def]
    application = submit_registration(registration, founder)

    assert application.office == moha_npa
    assert application.workflow.office == moha_npa


def test_a_provincial_association_goes_to_its_province(
    registration: Service, founder: User, moha_svk: Organisation
) -> None:
    application = submit_registration(registration, founder, level="provincial", province="13")

    application.workflow.refresh_from_db()
    assert application.office == moha_svk
    assert application.workflow.office == moha_svk, "the workflow moves with the application"
    route = audit_events_for(application).get(action="application.route")
    assert route.data == {"from": "moha-npa", "to": "moha-svk"}


def test_a_district_association_goes_to_its_district_office(
    registration: Service, founder: User, moha_chanthabouly: Organisation
) -> None:
    application = submit_registration(registration, founder, level="district", district="0101")

    assert application.office == moha_chanthabouly
    assert Application.objects.get(pk=application.pk).workflow.office == moha_chanthabouly


def test_a_district_without_an_office_goes_up_to_its_province(
    registration: Service, founder: User, moha_vte: Organisation
) -> None:
    application = submit_registration(registration, founder, level="district", district="0104")

    assert application.office == moha_vte


def test_a_province_without_a_department_keeps_the_default(
    registration: Service, founder: User, moha_npa: Organisation
) -> None:
    application = submit_registration(registration, founder, level="provincial", province="06")

    assert application.office == moha_npa


def test_a_provincial_association_must_name_its_province(registration: Service, founder: User) -> None:
    with pytest.raises(ValidationError) as refused:
        submit_registration(registration, founder, level="provincial")

    assert "province" in refused.value.message_dict
    assert Application.objects.get().submitted_at is None


def test_an_office_of_another_ministry_in_the_area_is_not_chosen(registration: Service, founder: User) -> None:
    labour = OrganisationFactory(code="molsw", name_lo="ກະຊວງແຮງງານ", name_en="Labour")
    OrganisationFactory(
        code="molsw-svk",
        kind=Organisation.Kind.PROVINCIAL_DEPARTMENT,
        parent=labour,
        province=Province.objects.get(code="13"),
    )

    application = submit_registration(registration, founder, level="provincial", province="13")

    assert application.office.code == "moha-npa"


# The line ministry's opinion, then the registering office's decision


def test_the_line_ministry_gives_its_opinion_and_the_department_decides(
    registration: Service, founder: User, alice: User, bob: User, health: Sector
) -> None:
    application = act(alice, submit_registration(registration, founder), "start_review")
    application = act(alice, application, "request_opinion")
    assert application.state == "line_ministry_opinion"
    assert Application.objects.get(pk=application.pk).workflow.office == health.line_ministry

    with pytest.raises(PermissionDenied):
        act(alice, application, "give_opinion", reason="ເຫັນດີ")
    with pytest.raises(ValidationError):
        act(bob, application, "give_opinion")
    application = act(bob, application, "give_opinion", reason="ກະຊວງສາທາລະນະສຸກເຫັນດີ")

    assert application.state == "decision"
    instance = Application.objects.get(pk=application.pk).workflow
    assert (instance.office.code, instance.home_office) == ("moha-npa", None)
    assert instance.history.get(transition="give_opinion").reason == "ກະຊວງສາທາລະນະສຸກເຫັນດີ"
    with pytest.raises(PermissionDenied):
        act(bob, application, "approve")

    application = act(alice, application, "approve")

    assert application.state == "approved"
    assert Npa.objects.get(source_application_id=application.public_id).sector == health


def test_the_department_cannot_decide_before_the_opinion(registration: Service, founder: User, alice: User) -> None:
    application = act(alice, submit_registration(registration, founder), "start_review")

    with pytest.raises(TransitionNotAllowed):
        act(alice, application, "approve")


def test_staff_of_another_office_are_refused(registration: Service, founder: User, moha_vte: Organisation) -> None:
    """An approver of the Vientiane Capital department cannot act on a national registration."""
    stranger = staff_with_role("approver", moha_vte, email="stranger@gov.la")
    application = submit_registration(registration, founder)

    with pytest.raises(PermissionDenied):
        act(stranger, application, "start_review")


# Deadlines per stage


def test_each_stage_has_its_deadline_and_the_service_page_shows_them(registration: Service, client: Client) -> None:
    stages = workflow_stages(resolve_workflow(load_file(DEFINITIONS_DIR / "npa-registration.yaml")))

    assert [(s["code"], s["sla_days"]) for s in stages] == [
        ("submitted", 5),
        ("in_review", 15),
        ("line_ministry_opinion", 15),
        ("decision", 15),
    ], "stage deadlines are not replaced by the service's overall service level"
    html = client.get(reverse("services:service_detail", args=["npa-registration"])).content.decode()
    assert 'class="stages"' in html
    assert "ລໍຖ້າຄຳເຫັນຂອງກະຊວງຂະແໜງການ" in html or "Opinion of the line ministry" in html
    assert "15" in html.split('class="stages"')[1].split("</ul>")[0]


# Amendment and dissolution


@pytest.fixture
def doctors_admin(doctors: Npa, founder: User) -> User:
    """The founder administers the doctors' association online."""
    NpaMembership.objects.create(user=founder, npa=doctors, role=NpaMembership.Role.NPA_ADMIN)
    return founder


def test_an_approved_amendment_replaces_the_officers(
    moha_npa: Organisation, doctors: Npa, doctors_admin: User, alice: User
) -> None:
    founder = doctors_admin
    service = import_service("npa-amendment")
    data = {
        "registration_number": doctors.registration_number,
        "changes": "officers_and_charter",
        "new_officers": "president: ຄຳມີ ພົມມະຈັນ / Khammy Phommachanh\nTreasurer: ນາງ ແສງດາວ",
    }
    application = submit(service, founder, data, "meeting_minutes", "charter")

    act(alice, act(alice, application, "start_review"), "approve")

    current = [(o.role, o.name_lo, o.name_latin) for o in doctors.officers.all() if o.is_current]
    assert sorted(current) == [("president", "ຄຳມີ ພົມມະຈັນ", "Khammy Phommachanh"), ("treasurer", "ນາງ ແສງດາວ", "")]
    assert doctors.officers.count() == 3, "the former president stays in the history"
    assert audit_events_for(doctors).get(action="npa.amend").data["charter_changed"] is True


def test_an_amendment_with_an_unreadable_officers_list_is_not_approved(
    moha_npa: Organisation, doctors: Npa, doctors_admin: User, alice: User
) -> None:
    founder = doctors_admin
    service = import_service("npa-amendment")
    data = {"registration_number": doctors.registration_number, "changes": "officers", "new_officers": "someone"}
    application = act(alice, submit(service, founder, data, "meeting_minutes"), "start_review")

    with pytest.raises(ValidationError):
        act(alice, application, "approve")

    assert Application.objects.get(pk=application.pk).state == "in_review"


def test_an_approved_dissolution_dissolves_with_its_reason(
    moha_npa: Organisation, doctors: Npa, doctors_admin: User, alice: User
) -> None:
    founder = doctors_admin
    service = import_service("npa-dissolution")
    today = timezone.localdate()
    data = {
        "registration_number": doctors.registration_number,
        "reason": "ກອງປະຊຸມໃຫຍ່ຕົກລົງຍຸບເລີກ",
        "dissolution_date": today.isoformat(),
    }
    application = submit(service, founder, data, "meeting_decision")

    application = act(alice, act(alice, application, "start_review"), "approve")

    doctors.refresh_from_db()
    assert application.state == "approved"
    assert doctors.status == Npa.Status.DISSOLVED
    change = doctors.status_changes.last()
    assert (change.status, change.reason, change.date, change.actor) == (
        Npa.Status.DISSOLVED,
        "ກອງປະຊຸມໃຫຍ່ຕົກລົງຍຸບເລີກ",
        today,
        alice,
    )


def test_a_dissolution_of_an_unknown_association_is_refused_when_sent(moha_npa: Organisation, founder: User) -> None:
    service = import_service("npa-dissolution")
    data = {"registration_number": "NPA-2020-9999", "reason": "ຍຸບເລີກແລ້ວ", "dissolution_date": "2026-01-05"}

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        submit(service, founder, data, "meeting_decision")

    assert refused.value.message_dict == {
        "registration_number": ["No association has this registration number: NPA-2020-9999."]
    }
    assert Application.objects.get().submitted_at is None


def test_an_amendment_by_someone_who_does_not_administer_the_association_is_refused(
    moha_npa: Organisation, doctors: Npa, founder: User
) -> None:
    """A plain member, or a former administrator, files nothing for the association."""
    NpaMembership.objects.create(user=founder, npa=doctors, role=NpaMembership.Role.MEMBER)
    NpaMembership.objects.create(
        user=founder,
        npa=doctors,
        role=NpaMembership.Role.NPA_ADMIN,
        since=timezone.localdate() - datetime.timedelta(days=400),
        until=timezone.localdate() - datetime.timedelta(days=1),
    )
    service = import_service("npa-amendment")
    data = {
        "registration_number": doctors.registration_number,
        "changes": "officers",
        "new_officers": "president: ຄຳມີ ພົມມະຈັນ",
    }

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        submit(service, founder, data, "meeting_minutes")

    assert refused.value.message_dict == {
        "registration_number": [
            f"Only an administrator of the association can file this: {doctors.registration_number}."
        ]
    }
    assert doctors.officers.get().name_lo == "ບຸນທະວີ ສີສຸພັນ"


def test_a_dissolved_association_is_neither_amended_nor_dissolved_again(
    moha_npa: Organisation, doctors: Npa, doctors_admin: User
) -> None:
    Npa.objects.filter(pk=doctors.pk).update(status=Npa.Status.DISSOLVED)
    amendment, dissolution = import_service("npa-amendment"), import_service("npa-dissolution")
    number = doctors.registration_number
    dissolving_data = {"registration_number": number, "reason": "ຍຸບເລີກອີກ", "dissolution_date": "2026-01-05"}

    with translation.override("en"):
        with pytest.raises(ValidationError) as amending:
            submit(amendment, doctors_admin, {"registration_number": number, "changes": "charter"}, "meeting_minutes")
        with pytest.raises(ValidationError) as dissolving:
            submit(dissolution, doctors_admin, dissolving_data, "meeting_decision")

    for refused in (amending, dissolving):
        assert refused.value.message_dict == {"registration_number": ["This association is dissolved"]}


# The application page


def test_a_registration_with_a_name_already_registered_comes_back_with_what_was_typed(
    registration: Service, founder: User, doctors: Npa, client: Client
) -> None:
    application = services.application_create(applicant=founder, service=registration)
    upload(founder, application, "charter", "founders_list", "founding_minutes")
    client.force_login(founder)
    posted = {**FORM, "name_lo": f" {doctors.name_lo} ", "action": "submit"}

    with translation.override("en"):
        response = client.post(
            reverse("services:application_edit", args=[application.public_id]), posted, HTTP_ACCEPT_LANGUAGE="en"
        )

    assert response.status_code == 400
    form = response.context["form"]
    message = f"This name is already registered: {doctors.registration_number}."
    assert form.errors == {"name_lo": [message]}, "the message is next to the name"
    assert {"href": "#id_name_lo", "label": str(form["name_lo"].label), "message": message} in response.context[
        "error_summary"
    ]
    html = response.content.decode()
    assert message in html
    assert FORM["founders"].splitlines()[1] in html, "the typed values are kept"
    assert 'value="health" selected' in html
    application.refresh_from_db()
    assert (application.state, application.submitted_at) == ("draft", None)
    assert application.data["founders"] == FORM["founders"]
