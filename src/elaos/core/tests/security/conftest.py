"""The people of the security matrix: anonymous, two citizens (alice, bob), two reviewers with the same role in two
district offices of one ministry (officer_a, officer_b), and the ministry's office administrator (agency_admin).
Staff clients have passed their second factor, as they must to see any staff page.

Some apps need people with their own roles (case workers, migration officers, an association's member, an agency
system with a Bearer token): EXTRA_PERSONAS makes them on demand, and a scenario's Case names the ones it also
asks (Case.also). They are built in the same two offices and ministry, so that "the other office" stays office B."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from conftest import OrganisationFactory, StaffFactory, UserFactory, confirmed_totp, totp_now
from elaos.accounts.models import User
from elaos.agencies.models import Organisation, Role, RoleAssignment
from elaos.core.models import District, Province

PERSONAS = ("anonymous", "alice", "bob", "officer_a", "officer_b", "agency_admin")
CITIZENS = ("alice", "bob")
STAFF = ("officer_a", "officer_b", "agency_admin")


@dataclass
class World:
    ministry: Organisation
    office_a: Organisation
    office_b: Organisation
    users: dict[str, User]
    csrf_checks: bool = False
    # Agency systems: persona -> an access token of the client-credentials grant (set by the scenarios that use them).
    bearer_tokens: dict[str, str] = field(default_factory=dict)
    _clients: dict[str, Client] = field(default_factory=dict)

    def user(self, persona: str) -> User:
        if persona not in self.users:
            self.users[persona] = EXTRA_PERSONAS[persona](self)
        return self.users[persona]

    def client(self, persona: str) -> Client:
        if persona not in self._clients:
            if persona in self.bearer_tokens:
                # A machine: no session, no cookies; its token and the purpose the exchange API asks for.
                headers = {"Authorization": f"Bearer {self.bearer_tokens[persona]}", "X-Purpose": "service_delivery"}
                self._clients[persona] = Client(headers=headers)
                return self._clients[persona]
            client = Client(enforce_csrf_checks=self.csrf_checks)
            if persona != "anonymous":
                user = self.user(persona)
                client.force_login(user)
                if user.is_staff:
                    # The second factor is passed the way a browser passes it; the token is sent without CSRF
                    # checks so that the same client can then be used with them.
                    plain = Client()
                    plain.cookies = client.cookies
                    device = user.totpdevice_set.get()
                    response = plain.post("/accounts/second-factor/", {"token": totp_now(device)})
                    assert response.status_code == 302, response.content
                    client.cookies = plain.cookies
            self._clients[persona] = client
        return self._clients[persona]


def _staff(email: str, role: str, organisation: Organisation, name: str) -> User:
    user = StaffFactory(email=email, given_name_latin=name)
    RoleAssignment.objects.create(user=user, organisation=organisation, role=Role.objects.get(code=role))
    confirmed_totp(user)
    return user


def other_ministry(world: World) -> Organisation:
    """A second ministry: its staff are "another agency" for the ministry's own objects."""
    made = world.__dict__.setdefault("made", {})
    if "other_ministry" not in made:
        made["other_ministry"] = OrganisationFactory(code="moother", name_lo="ກະຊວງອື່ນ", name_en="Other Ministry")
    return made["other_ministry"]


def migration_ministry(world: World) -> Organisation:
    """The ministry that keeps the register of recruitment agencies (settings.MIGRATION_MINISTRY)."""
    from django.conf import settings

    code = settings.MIGRATION_MINISTRY
    found = Organisation.objects.filter(code=code).first()
    return found or OrganisationFactory(code=code, name_lo="ກະຊວງແຮງງານ", name_en="Ministry of Labour")


def security_npa(world: World) -> Any:
    """An active association of the register that takes referrals; npa_member is one of its members."""
    from elaos.civil_society.services import npa_create

    made = world.__dict__.setdefault("made", {})
    if "security_npa" not in made:
        made["security_npa"] = npa_create(
            actor=None,
            name_lo="ສະມາຄົມຊ່ວຍເຫຼືອ",
            name_en="Help Association",
            type="social_welfare",
            level="national",
        )
    return made["security_npa"]


def _npa_member(world: World) -> User:
    from elaos.civil_society.models import NpaMembership

    user = UserFactory(given_name_latin="Nina", email="nina@example.la")
    NpaMembership.objects.create(user=user, npa=security_npa(world), role=NpaMembership.Role.MEMBER)
    return user


EXTRA_PERSONAS: dict[str, Callable[[World], User]] = {
    # Protection: need-to-know inside office A, and a case worker of office B.
    "case_worker_a": lambda w: _staff("carol@gov.la", "case_worker", w.office_a, "Carol"),
    "colleague_a": lambda w: _staff("erin@gov.la", "case_worker", w.office_a, "Erin"),
    "supervisor_a": lambda w: _staff("dave@gov.la", "case_supervisor", w.office_a, "Dave"),
    "case_worker_b": lambda w: _staff("frank@gov.la", "case_worker", w.office_b, "Frank"),
    # Safe migration: migration officers of the two offices, and the licensing ministry's registrar.
    "migration_officer_a": lambda w: _staff("bounmy@gov.la", "migration_officer", w.office_a, "Bounmy"),
    "migration_officer_b": lambda w: _staff("chanh@gov.la", "migration_officer", w.office_b, "Chanh"),
    "registrar": lambda w: _staff("dara@gov.la", "migration_officer", migration_ministry(w), "Dara"),
    # The identity administrator registers agency systems for sign-in with e-Laos.
    "identity_admin": lambda w: _staff("idadmin@gov.la", "identity_admin", w.ministry, "IdAdmin"),
    # The office administrator of another ministry.
    "other_agency_admin": lambda w: _staff("admin@other.gov.la", "office_admin", other_ministry(w), "OtherAdmin"),
    # A citizen who is a member of an association (referrals to it).
    "npa_member": _npa_member,
}


def build_world(*, csrf_checks: bool = False) -> World:
    ministry = OrganisationFactory(code="mosec", name_lo="ກະຊວງທົດລອງ", name_en="Ministry of Tests")
    vientiane = Province.objects.get(code="01")
    office_a, office_b = (
        OrganisationFactory(
            code=f"mosec-{district}",
            kind=Organisation.Kind.DISTRICT_OFFICE,
            parent=ministry,
            province=vientiane,
            district=District.objects.get(code=district),
        )
        for district in ("0101", "0102")
    )
    users = {
        "alice": UserFactory(given_name_latin="Alice", email="alice@example.la"),
        "bob": UserFactory(given_name_latin="Bob", email="bob@example.la"),
        "officer_a": _staff("officer.a@gov.la", "reviewer", office_a, "OfficerA"),
        "officer_b": _staff("officer.b@gov.la", "reviewer", office_b, "OfficerB"),
        "agency_admin": _staff("admin@gov.la", "office_admin", ministry, "Admin"),
    }
    return World(ministry=ministry, office_a=office_a, office_b=office_b, users=users, csrf_checks=csrf_checks)


@pytest.fixture
def world(db: None) -> Iterator[World]:
    return build_world()


@pytest.fixture
def csrf_world(db: None) -> Iterator[World]:
    return build_world(csrf_checks=True)
