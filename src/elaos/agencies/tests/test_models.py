"""Organisation tree rules, checked by Organisation.clean()."""

import pytest
from django.core.exceptions import ValidationError

from conftest import OrganisationFactory
from elaos.agencies.models import Organisation
from elaos.core.models import District, Province

Kind = Organisation.Kind


def errors(org: Organisation) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        org.full_clean()
    return caught.value.message_dict


def test_a_ministry_is_the_top_of_its_tree(ministry: Organisation) -> None:
    nested = Organisation(code="moh-inner", kind=Kind.MINISTRY, name_lo="ກະຊວງ", parent=ministry)

    assert "parent" in errors(nested)
    ministry.full_clean()


@pytest.mark.parametrize("kind", [Kind.DEPARTMENT, Kind.DIVISION, Kind.OFFICE])
def test_everything_but_a_ministry_needs_a_parent(db: None, kind: str) -> None:
    assert "parent" in errors(Organisation(code="orphan", kind=kind, name_lo="ກົມ"))


def test_a_provincial_department_needs_its_province(ministry: Organisation) -> None:
    org = Organisation(code="molsw-x", kind=Kind.PROVINCIAL_DEPARTMENT, name_lo="ພະແນກ", parent=ministry)

    assert "province" in errors(org)


def test_a_district_office_needs_its_district(district_office: Organisation) -> None:
    org = Organisation(
        code="molsw-vte-x",
        kind=Kind.DISTRICT_OFFICE,
        name_lo="ຫ້ອງການ",
        parent=district_office.parent,
        province=district_office.province,
    )

    assert "district" in errors(org)


def test_the_district_must_be_in_the_province(district_office: Organisation, vientiane: Province) -> None:
    savannakhet_district = District.objects.filter(province__code="13").first()
    org = Organisation(
        code="molsw-vte-x",
        kind=Kind.DISTRICT_OFFICE,
        name_lo="ຫ້ອງການ",
        parent=district_office.parent,
        province=vientiane,
        district=savannakhet_district,
    )

    assert "district" in errors(org)


def test_a_valid_district_office_passes(district_office: Organisation) -> None:
    district_office.full_clean()

    assert district_office.district.province_id == district_office.province_id  # type: ignore[union-attr]


def test_an_organisation_cannot_be_its_own_parent(ministry: Organisation) -> None:
    department = OrganisationFactory(kind=Kind.DEPARTMENT, parent=ministry)
    department.parent = department

    assert "parent" in errors(department)


def test_an_organisation_cannot_move_under_its_own_descendant(ministry: Organisation) -> None:
    department = OrganisationFactory(kind=Kind.DEPARTMENT, parent=ministry)
    division = OrganisationFactory(kind=Kind.DIVISION, parent=department)
    office = OrganisationFactory(kind=Kind.OFFICE, parent=division)
    department.parent = office

    assert "parent" in errors(department)


def test_moving_to_another_branch_is_allowed(ministry: Organisation) -> None:
    first = OrganisationFactory(kind=Kind.DEPARTMENT, parent=ministry)
    second = OrganisationFactory(kind=Kind.DEPARTMENT, parent=ministry)
    division = OrganisationFactory(kind=Kind.DIVISION, parent=first)
    division.parent = second

    division.full_clean()


def test_ministry_is_found_from_any_office(district_office: Organisation, ministry: Organisation) -> None:
    assert district_office.ministry == ministry
    assert ministry.ministry == ministry
