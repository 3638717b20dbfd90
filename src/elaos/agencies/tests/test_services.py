"""Agency writes: creating organisations and assigning roles, each with its audit row."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from conftest import StaffFactory
from elaos.accounts.models import User
from elaos.agencies.access import has_role
from elaos.agencies.models import Organisation, Role, RoleAssignment
from elaos.agencies.services import organisation_create, role_assign, role_revoke
from elaos.core.audit import audit_events_for
from elaos.core.models import AuditEvent


@pytest.fixture
def admin(db: None) -> User:
    return StaffFactory(email="admin@gov.la")


@pytest.fixture
def reviewer_role(db: None) -> Role:
    return Role.objects.get(code="reviewer")


def test_organisation_create_writes_an_audit_row(admin: User, ministry: Organisation) -> None:
    department = organisation_create(
        actor=admin, code="molsw-skills", kind="department", name_lo="ກົມພັດທະນາສີມືແຮງງານ", parent=ministry
    )

    assert (department.created_by, department.parent) == (admin, ministry)
    [event] = audit_events_for(department)
    assert (event.action, event.actor_id, event.data) == ("organisation.create", admin.pk, {"code": "molsw-skills"})


def test_organisation_create_refuses_a_broken_tree(admin: User) -> None:
    with pytest.raises(ValidationError):
        organisation_create(actor=admin, code="orphan", kind="department", name_lo="ກົມ")

    assert not Organisation.objects.filter(code="orphan").exists()
    assert not AuditEvent.objects.exists()


def test_role_assign_grants_the_role_and_is_audited(
    admin: User, district_office: Organisation, reviewer_role: Role
) -> None:
    staff = StaffFactory()

    assignment = role_assign(actor=admin, user=staff, organisation=district_office, role=reviewer_role)

    assert has_role(staff, "reviewer", district_office)
    assert assignment.created_by == admin
    [event] = audit_events_for(assignment)
    assert event.action == "role.assign"
    assert event.data == {"user": str(staff.public_id), "organisation": district_office.code, "role": "reviewer"}


def test_role_assign_twice_keeps_one_assignment(
    admin: User, district_office: Organisation, reviewer_role: Role
) -> None:
    staff = StaffFactory()

    first = role_assign(actor=admin, user=staff, organisation=district_office, role=reviewer_role)
    second = role_assign(actor=admin, user=staff, organisation=district_office, role=reviewer_role)

    assert first.pk == second.pk
    assert AuditEvent.objects.filter(action="role.assign").count() == 1


def test_role_assign_refuses_non_staff(
    admin: User, citizen: User, district_office: Organisation, reviewer_role: Role
) -> None:
    with pytest.raises(ValidationError):
        role_assign(actor=admin, user=citizen, organisation=district_office, role=reviewer_role)

    assert not RoleAssignment.objects.filter(user=citizen).exists()
    assert not AuditEvent.objects.exists()


def test_role_revoke_needs_a_reason(admin: User, officer: User) -> None:
    assignment = RoleAssignment.objects.get(user=officer)

    with pytest.raises(ValidationError):
        role_revoke(actor=admin, assignment=assignment, reason="   ")

    assignment.refresh_from_db()
    assert assignment.archived_at is None


def test_role_revoke_ends_the_role_and_is_audited(admin: User, officer: User, district_office: Organisation) -> None:
    assignment = RoleAssignment.objects.get(user=officer)

    role_revoke(actor=admin, assignment=assignment, reason="Moved to another office")

    assert not has_role(officer, "reviewer", district_office)
    assignment.refresh_from_db()
    assert (assignment.archived_by, assignment.archive_reason) == (admin, "Moved to another office")
    [event] = audit_events_for(assignment)
    assert (event.action, event.data) == ("roleassignment.archive", {"reason": "Moved to another office"})


def test_role_can_be_given_again_after_revoking(
    admin: User, officer: User, district_office: Organisation, reviewer_role: Role
) -> None:
    old = RoleAssignment.objects.get(user=officer)
    role_revoke(actor=admin, assignment=old, reason="Leave")

    new = role_assign(actor=admin, user=officer, organisation=district_office, role=reviewer_role)

    assert new.pk != old.pk
    assert has_role(officer, "reviewer", district_office)
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "audit chain valid: 2 rows" in out.getvalue()
