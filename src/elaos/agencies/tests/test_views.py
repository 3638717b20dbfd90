"""The back office home and the organisation tree: verified staff only."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from conftest import OrganisationFactory, StaffFactory
from elaos.accounts.models import User
from elaos.agencies.models import Organisation, Role, RoleAssignment, Sector


@pytest.mark.parametrize("url", ["/backoffice/", "/backoffice/organisations/"])
def test_anonymous_is_sent_to_sign_in(client: Client, db: None, url: str) -> None:
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/sign-in/?next={url}"


@pytest.mark.parametrize("url", ["/backoffice/", "/backoffice/organisations/"])
def test_citizen_gets_not_found(client: Client, citizen: User, url: str) -> None:
    client.force_login(citizen)

    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/backoffice/", "/backoffice/organisations/"])
def test_staff_without_second_factor_is_sent_to_verify(client: Client, officer: User, url: str) -> None:
    client.force_login(officer)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/second-factor/?next=")


def test_backoffice_shows_the_officers_roles(verified_officer_client: Client, district_office: Organisation) -> None:
    other = StaffFactory()
    RoleAssignment.objects.create(
        user=other, organisation=district_office.parent, role=Role.objects.get(code="approver")
    )

    response = verified_officer_client.get("/backoffice/")

    assert response.status_code == 200
    html = response.content.decode()
    assert Role.objects.get(code="reviewer").name_lo in html
    assert district_office.name_lo in html
    assert Role.objects.get(code="approver").name_lo not in html
    assert [a.role.code for a in response.context["assignments"]] == ["reviewer"]


def test_backoffice_in_english_shows_english_names(
    verified_officer_client: Client, district_office: Organisation
) -> None:
    verified_officer_client.post("/i18n/setlang/", {"language": "en", "next": "/backoffice/"})

    html = verified_officer_client.get("/backoffice/").content.decode()

    assert "Reviewer" in html
    assert district_office.name_en in html


def test_backoffice_hides_expired_roles(verified_officer_client: Client, officer: User) -> None:
    RoleAssignment.objects.filter(user=officer).update(valid_until=timezone.localdate() - datetime.timedelta(days=1))

    response = verified_officer_client.get("/backoffice/")

    assert response.status_code == 200
    assert list(response.context["assignments"]) == []


def test_organisation_tree_lists_ministries_offices_and_sectors(
    verified_officer_client: Client, ministry: Organisation, district_office: Organisation
) -> None:
    Sector.objects.create(code="labour", name_lo="ແຮງງານ", name_en="Labour", line_ministry=ministry)
    closed = OrganisationFactory(name_lo="ກະຊວງທີ່ຍຸບແລ້ວ")
    Organisation.objects.filter(pk=closed.pk).update(archived_at=timezone.now())

    response = verified_officer_client.get("/backoffice/organisations/")

    assert response.status_code == 200
    html = response.content.decode()
    assert ministry.name_lo in html
    assert district_office.parent.name_lo in html  # type: ignore[union-attr]
    assert district_office.name_lo in html
    assert "ແຮງງານ" in html
    assert "ກະຊວງທີ່ຍຸບແລ້ວ" not in html
