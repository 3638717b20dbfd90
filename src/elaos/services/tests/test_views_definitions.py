"""The back office's service catalogue: office administrators define and version services as YAML."""

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import StaffFactory, certificate_service_definition, confirmed_totp, staff_with_role, totp_now
from elaos.agencies.models import Organisation
from elaos.core.models import AuditEvent
from elaos.services.models import Service, ServiceVersion

pytestmark = pytest.mark.django_db


def verified_client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    device = user.totpdevice_set.first() or confirmed_totp(user)
    assert client.post("/accounts/second-factor/", {"token": totp_now(device)}).status_code == 302
    return client


@pytest.fixture
def ministry_admin(ministry: Organisation):  # type: ignore[no-untyped-def]
    return staff_with_role("office_admin", ministry)


def as_yaml(definition: dict) -> str:
    return yaml.safe_dump(definition, allow_unicode=True, sort_keys=False)


def test_an_administrator_of_the_ministry_publishes_a_new_service(
    ministry_admin, ministry: Organisation, district_office: Organisation
) -> None:
    client = verified_client(ministry_admin)
    text = as_yaml(certificate_service_definition(agency=ministry.code, offices=[district_office.code]))

    checked = client.post("/backoffice/services/catalogue/new/", {"text": text, "action": "check"})
    assert checked.status_code == 200
    assert not Service.objects.exists()

    published = client.post("/backoffice/services/catalogue/new/", {"text": text, "action": "publish"})
    assert published.status_code == 302
    service = Service.objects.get(code="residence-certificate")
    assert service.current_version.version == 1
    assert AuditEvent.objects.filter(action="service.publish", actor=ministry_admin).exists()
    assert "residence-certificate" in client.get("/backoffice/services/catalogue/").content.decode()


def test_editing_publishes_a_new_version_and_keeps_the_old_for_running_applications(
    ministry_admin, certificate_service, citizen
) -> None:
    from elaos.services.services import application_create

    started = application_create(applicant=citizen, service=certificate_service)
    client = verified_client(ministry_admin)
    page = client.get(f"/backoffice/services/catalogue/{certificate_service.code}/")
    assert page.status_code == 200
    definition = yaml.safe_load(page.context["form"].initial["text"])
    definition["sla_days"] = 10

    response = client.post(
        f"/backoffice/services/catalogue/{certificate_service.code}/",
        {"text": as_yaml(definition), "action": "publish"},
    )

    assert response.status_code == 302
    assert ServiceVersion.objects.filter(service=certificate_service).count() == 2
    started.refresh_from_db()
    assert started.service_version.version == 1
    assert Service.objects.get(pk=certificate_service.pk).sla_days == 10


def test_a_broken_definition_lists_its_problems_and_keeps_the_text(
    ministry_admin, ministry: Organisation, district_office: Organisation
) -> None:
    client = verified_client(ministry_admin)
    definition = certificate_service_definition(agency=ministry.code, offices=[district_office.code])
    definition["workflow"] = "no-such-workflow"
    definition["form"]["ui"]["ghost"] = {"label_lo": "x", "label_en": "x"}
    text = as_yaml(definition)

    response = client.post("/backoffice/services/catalogue/new/", {"text": text, "action": "publish"})

    assert response.status_code == 400
    body = response.content.decode()
    assert "no workflow &#x27;no-such-workflow&#x27;" in body
    assert "&#x27;ghost&#x27; is not a property" in body
    assert response.context["form"]["text"].value() == text
    assert not Service.objects.exists()


def test_invalid_yaml_names_the_line(ministry_admin) -> None:
    client = verified_client(ministry_admin)

    response = client.post(
        "/backoffice/services/catalogue/new/", {"text": "code: [unclosed\nname: x", "action": "check"}
    )

    assert response.status_code == 400
    assert "not valid YAML or JSON" in response.content.decode()
    assert "line" in response.content.decode()


def test_a_definition_can_be_uploaded_as_a_file(ministry_admin, ministry, district_office) -> None:
    client = verified_client(ministry_admin)
    text = as_yaml(certificate_service_definition(agency=ministry.code, offices=[district_office.code]))
    upload = SimpleUploadedFile("service.yaml", text.encode(), content_type="application/x-yaml")

    response = client.post("/backoffice/services/catalogue/new/", {"upload": upload, "action": "publish"})

    assert response.status_code == 302
    assert Service.objects.filter(code="residence-certificate").exists()


def test_the_code_of_a_service_cannot_change(ministry_admin, certificate_service) -> None:
    client = verified_client(ministry_admin)
    definition = certificate_service.current_version.definition | {"code": "another-code"}

    response = client.post(
        f"/backoffice/services/catalogue/{certificate_service.code}/",
        {"text": as_yaml(definition), "action": "publish"},
    )

    assert response.status_code == 400
    assert not Service.objects.filter(code="another-code").exists()


def test_others_cannot_manage_definitions(officer, certificate_service, citizen, ministry) -> None:
    # A reviewer is not an administrator; another ministry's administrator has no say here.
    reviewer = verified_client(officer)
    assert reviewer.get("/backoffice/services/catalogue/new/").status_code == 404
    assert reviewer.get(f"/backoffice/services/catalogue/{certificate_service.code}/").status_code == 404
    other = Organisation.objects.create(code="other-ministry", kind="ministry", name_lo="ກະຊວງອື່ນ", name_en="Other")
    outsider = verified_client(staff_with_role("office_admin", other))
    definition = as_yaml(certificate_service.current_version.definition)
    response = outsider.post(
        f"/backoffice/services/catalogue/{certificate_service.code}/", {"text": definition, "action": "publish"}
    )
    assert response.status_code == 404
    # Naming an agency one does not administer in a new definition is refused too.
    response = outsider.post(
        "/backoffice/services/catalogue/new/",
        {"text": definition.replace("residence-certificate", "sneaky-service"), "action": "publish"},
    )
    assert response.status_code == 404
    assert not Service.objects.filter(code="sneaky-service").exists()
    citizen_client = Client()
    citizen_client.force_login(citizen)
    assert citizen_client.get("/backoffice/services/catalogue/").status_code == 404


def test_staff_need_the_second_factor(ministry_admin) -> None:
    client = Client()
    client.force_login(ministry_admin)
    response = client.get("/backoffice/services/catalogue/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/second-factor/")


def test_a_plain_staff_member_without_roles_sees_an_empty_catalogue(certificate_service) -> None:
    client = verified_client(StaffFactory())
    response = client.get("/backoffice/services/catalogue/")
    assert response.status_code == 200
    assert certificate_service.code not in response.content.decode()
