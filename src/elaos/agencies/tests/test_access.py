"""Roles are per office: a role grants nothing outside the exact organisation it was given in."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from conftest import OrganisationFactory, StaffFactory, UserFactory
from elaos.accounts.models import User
from elaos.agencies.access import active_assignments, has_role, organisations_where
from elaos.agencies.models import Organisation, Role, RoleAssignment
from elaos.core.models import District


@pytest.fixture
def sisattanak_office(district_office: Organisation) -> Organisation:
    """A sister district office under the same provincial department."""
    return OrganisationFactory(
        code="molsw-vte-sisattanak",
        kind=Organisation.Kind.DISTRICT_OFFICE,
        parent=district_office.parent,
        province=district_office.province,
        district=District.objects.get(code="0104"),
    )


def assign(user: User, organisation: Organisation, role: str = "reviewer", **fields: object) -> RoleAssignment:
    return RoleAssignment.objects.create(
        user=user, organisation=organisation, role=Role.objects.get(code=role), **fields
    )


def test_reviewer_is_reviewer_in_their_office(officer: User, district_office: Organisation) -> None:
    assert has_role(officer, "reviewer", district_office)


def test_reviewer_is_nothing_in_a_sister_district(officer: User, sisattanak_office: Organisation) -> None:
    assert not has_role(officer, "reviewer", sisattanak_office)


def test_reviewer_is_nothing_in_the_parent_or_the_ministry(
    officer: User, district_office: Organisation, ministry: Organisation
) -> None:
    assert not has_role(officer, "reviewer", district_office.parent)  # type: ignore[arg-type]
    assert not has_role(officer, "reviewer", ministry)


def test_reviewer_is_not_an_approver(officer: User, district_office: Organisation) -> None:
    assert not has_role(officer, "approver", district_office)


def test_role_in_the_parent_grants_nothing_below(district_office: Organisation) -> None:
    approver = StaffFactory()
    assign(approver, district_office.parent, "approver")  # type: ignore[arg-type]

    assert has_role(approver, "approver", district_office.parent)  # type: ignore[arg-type]
    assert not has_role(approver, "approver", district_office)


def test_expired_assignment_grants_nothing(district_office: Organisation) -> None:
    staff = StaffFactory()
    assign(staff, district_office, valid_until=timezone.localdate() - datetime.timedelta(days=1))

    assert not has_role(staff, "reviewer", district_office)


def test_assignment_is_valid_through_its_last_day(district_office: Organisation) -> None:
    staff = StaffFactory()
    assign(staff, district_office, valid_until=timezone.localdate())

    assert has_role(staff, "reviewer", district_office)


def test_archived_assignment_grants_nothing(officer: User, district_office: Organisation) -> None:
    RoleAssignment.objects.filter(user=officer).update(archived_at=timezone.now(), archive_reason="moved")

    assert not has_role(officer, "reviewer", district_office)
    assert not active_assignments(officer).exists()


def test_non_staff_grant_nothing(district_office: Organisation) -> None:
    citizen = UserFactory()
    assign(citizen, district_office)

    assert not has_role(citizen, "reviewer", district_office)


def test_staff_who_left_grant_nothing(officer: User, district_office: Organisation) -> None:
    User.objects.filter(pk=officer.pk).update(is_active=False)
    officer.refresh_from_db()

    assert not has_role(officer, "reviewer", district_office)


def test_anonymous_grants_nothing(district_office: Organisation) -> None:
    assert not has_role(AnonymousUser(), "reviewer", district_office)


def test_organisations_where_lists_only_active_offices_of_that_role(
    officer: User, district_office: Organisation, sisattanak_office: Organisation
) -> None:
    assign(officer, sisattanak_office)
    assign(officer, district_office.parent, "approver")  # type: ignore[arg-type]

    assert set(organisations_where(officer, "reviewer")) == {district_office, sisattanak_office}

    Organisation.objects.filter(pk=sisattanak_office.pk).update(archived_at=timezone.now())
    assert list(organisations_where(officer, "reviewer")) == [district_office]
