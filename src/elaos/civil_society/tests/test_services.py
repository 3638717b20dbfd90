"""Registration, status changes with their reasons and history, annual reports and lateness, the name check."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from elaos.accounts.models import User
from elaos.civil_society.models import AnnualReport, Npa
from elaos.civil_society.selectors import name_key, npa_name_available
from elaos.civil_society.services import IncomeIn, SpendingIn, annual_report_submit, npa_transition
from elaos.civil_society.tests.conftest import register_npa
from elaos.core.models import AuditEvent
from elaos.search.selectors import search


def test_registration_numbers_the_association_and_starts_its_history(doctors: Npa, teachers: Npa) -> None:
    year = timezone.localdate().year
    assert doctors.registration_number == f"NPA-{year}-0001"
    assert teachers.registration_number == f"NPA-{year}-0002"
    assert doctors.status == Npa.Status.ACTIVE
    first = doctors.status_changes.get()
    assert (first.from_status, first.status, first.date) == ("", "active", doctors.registered_on)
    assert [o.role for o in doctors.officers.all()] == ["president"]
    assert AuditEvent.objects.filter(action="npa.register", object_id=str(doctors.public_id)).exists()
    assert [hit.key for hit in search("medical", kind="npa")] == [doctors.registration_number]


def test_a_registered_name_cannot_be_registered_again(doctors: Npa) -> None:
    with pytest.raises(ValidationError):
        register_npa(name_lo="ສະມາຄົມ ແພດ ລາວ", name_en="Another name")
    with pytest.raises(ValidationError):
        register_npa(name_lo="ສະມາຄົມໃໝ່", name_en="LAO MEDICAL  association.")


def test_status_changes_need_a_reason(alice: User, doctors: Npa) -> None:
    with pytest.raises(ValidationError) as exc:
        npa_transition(actor=alice, npa=doctors, action="suspend", reason="   ")
    assert "reason" in exc.value.message_dict
    doctors.refresh_from_db()
    assert doctors.status == Npa.Status.ACTIVE
    assert doctors.status_changes.count() == 1


def test_suspend_reinstate_dissolve_keep_the_whole_history(alice: User, doctors: Npa) -> None:
    today = timezone.localdate()
    npa_transition(actor=alice, npa=doctors, action="suspend", reason="ບໍ່ສົ່ງບົດລາຍງານ", date=today)
    npa_transition(actor=alice, npa=doctors, action="reinstate", reason="ສົ່ງບົດລາຍງານແລ້ວ")
    npa = npa_transition(actor=alice, npa=doctors, action="dissolve", reason="ກອງປະຊຸມໃຫຍ່ຕົກລົງຍຸບເລີກ")

    assert npa.status == Npa.Status.DISSOLVED
    history = list(npa.status_changes.values_list("from_status", "status", "reason"))
    assert history == [
        ("", "active", ""),
        ("active", "suspended", "ບໍ່ສົ່ງບົດລາຍງານ"),
        ("suspended", "active", "ສົ່ງບົດລາຍງານແລ້ວ"),
        ("active", "dissolved", "ກອງປະຊຸມໃຫຍ່ຕົກລົງຍຸບເລີກ"),
    ]
    assert list(
        AuditEvent.objects.filter(object_id=str(npa.public_id), action__startswith="npa.").values_list(
            "action", flat=True
        )
    ) == ["npa.register", "npa.suspend", "npa.reinstate", "npa.dissolve"]
    # Dissolution is final, and a dissolved association is still in the register.
    with pytest.raises(ValidationError):
        npa_transition(actor=alice, npa=npa, action="reinstate", reason="appeal")
    assert Npa.objects.filter(pk=npa.pk).exists()


def test_impossible_moves_are_refused(alice: User, doctors: Npa) -> None:
    with pytest.raises(ValidationError):
        npa_transition(actor=alice, npa=doctors, action="reinstate", reason="not suspended")
    with pytest.raises(ValidationError):
        npa_transition(actor=alice, npa=doctors, action="delete", reason="no such action")
    with pytest.raises(ValidationError):
        npa_transition(
            actor=alice, npa=doctors, action="suspend", reason="before it existed", date=datetime.date(2000, 1, 1)
        )


def test_only_registrars_change_a_status(bob: User, charlie: User, citizen: User, doctors: Npa) -> None:
    for someone in (bob, charlie, citizen):
        with pytest.raises(PermissionDenied):
            npa_transition(actor=someone, npa=doctors, action="suspend", reason="no right")
    doctors.refresh_from_db()
    assert doctors.status == Npa.Status.ACTIVE


def test_office_admin_of_the_ministry_itself_is_a_registrar(moha, doctors: Npa) -> None:  # type: ignore[no-untyped-def]
    from conftest import staff_with_role

    head = staff_with_role("office_admin", moha, email="head@moha.gov.la")
    assert npa_transition(actor=head, npa=doctors, action="suspend", reason="inquiry").status == "suspended"


def _file(npa: Npa, year: int) -> AnnualReport:
    return annual_report_submit(
        actor=None,
        npa=npa,
        year=year,
        income=[IncomeIn("ຄ່າສະມາຊິກ", 10_000_000), IncomeIn("ທຶນຕ່າງປະເທດ", 5_000_000, foreign=True)],
        spending=[SpendingIn("ກິດຈະກຳ", 12_000_000)],
    )


def test_annual_report_is_late_after_the_configured_deadline(doctors: Npa) -> None:
    year = doctors.registered_on.year
    report = _file(doctors, year)
    assert report.deadline == datetime.date(year + 1, 3, 31)
    assert not report.is_late
    report.submitted_at = timezone.make_aware(datetime.datetime(year + 1, 4, 1, 9))
    assert report.is_late
    with override_settings(NPA_ANNUAL_REPORT_DEADLINE="06-30"):
        assert report.deadline == datetime.date(year + 1, 6, 30)
        assert not report.is_late
    with pytest.raises(ValidationError):
        _file(doctors, year)


def test_amounts_are_integer_kip(doctors: Npa) -> None:
    with pytest.raises(ValidationError):
        annual_report_submit(
            actor=None, npa=doctors, year=doctors.registered_on.year, income=[IncomeIn("x", 1.5)], spending=[]
        )  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "proposed",
    [
        {"name_lo": "ສະມາຄົມແພດລາວ"},
        {"name_lo": "ສະມາຄົມ ແພດ ລາວ"},
        {"name_lo": "ສະມາຄົມແພດລາວ."},
        {"name_en": "Lao Medical Association"},
        {"name_en": "lao medical association"},
        {"name_en": "LAO-MEDICAL ASSOCIATION!"},
        {"name_en": "  Lao  Medical\tAssociation "},
    ],
)
def test_name_check_finds_exact_and_normalised_duplicates(doctors: Npa, proposed: dict[str, str]) -> None:
    found = npa_name_available(**proposed)
    assert found[0].registration_number == doctors.registration_number
    assert found[0].exact


def test_name_check_reports_similar_names_without_taking_them(doctors: Npa) -> None:
    similar = npa_name_available(name_en="Lao Medical Associations")
    assert [(s.registration_number, s.exact) for s in similar] == [(doctors.registration_number, False)]
    reordered = npa_name_available(name_en="Association of Lao Medical")
    assert [s.exact for s in reordered] == [False]
    assert npa_name_available(name_lo="ສະມາຄົມຊາວສວນກາເຟ", name_en="Coffee Growers") == []
    assert npa_name_available() == []


def test_name_key_ignores_case_spaces_punctuation_and_lao_spelling_variants() -> None:
    assert name_key("Lao  Medical-Association.") == name_key("lao medical association")
    assert name_key("ສະມາຄົມ ໜອງ") == name_key("ສະມາຄົມຫນອງ")
    assert name_key("ສະມາຄົມ ໒໐໒໖") == name_key("ສະມາຄົມ2026")
