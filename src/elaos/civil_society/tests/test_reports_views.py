"""Annual reports filed online by an association's administrator: who may file (others get 404), amounts as people
write them, errors that keep what was typed, the late flag, and the reminders sent once per year."""

import datetime

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from conftest import UserFactory
from elaos.accounts.models import User
from elaos.civil_society.models import AnnualReport, AnnualReportOverdue, Npa, NpaMembership
from elaos.civil_society.services import annual_report_remind
from elaos.civil_society.tasks import annual_report_reminders
from elaos.civil_society.tests.conftest import register_npa
from elaos.notifications.models import Message


def admin_of(npa: Npa, **fields: object) -> User:
    user = UserFactory(**fields)
    NpaMembership.objects.create(user=user, npa=npa, role=NpaMembership.Role.NPA_ADMIN, since=npa.registered_on)
    return user


@pytest.fixture
def dara(doctors: Npa) -> User:
    """The doctors' association's administrator."""
    return admin_of(doctors, email="dara@example.la", preferred_language="en")


@pytest.fixture
def old_npa(db: None, health: object) -> Npa:
    return register_npa(name_lo="ສະມາຄົມຜະດຸງຄັນ", name_en="Midwives Association", registered_on=datetime.date(2024, 2, 1))


def url(npa: Npa, year: int) -> str:
    return f"/npas/{npa.registration_number}/reports/{year}/"


def blank_rows() -> dict[str, str]:
    return {"activities_lo": "ຝຶກອົບຮົມແພດ 120 ຄົນ", "activities_en": ""}


def test_my_npas_lists_the_associations_i_act_for(client: Client, dara: User, doctors: Npa, teachers: Npa) -> None:
    client.force_login(dara)
    page = client.get("/npas/my/").content.decode()
    assert doctors.registration_number in page
    assert teachers.registration_number not in page
    assert f"/npas/{doctors.registration_number}/projects/new/" in page


def test_my_npas_needs_sign_in(client: Client) -> None:
    assert client.get("/npas/my/").status_code == 302


def test_another_users_npa_is_a_404(client: Client, dara: User, teachers: Npa, doctors: Npa) -> None:
    client.force_login(dara)
    year = timezone.localdate().year
    assert client.get(url(teachers, year)).status_code == 404
    assert client.post(url(teachers, year), blank_rows()).status_code == 404
    assert client.get(f"/npas/{teachers.registration_number}/projects/new/").status_code == 404
    member = UserFactory()
    NpaMembership.objects.create(user=member, npa=doctors, role=NpaMembership.Role.MEMBER)
    client.force_login(member)
    assert client.get(url(doctors, year)).status_code == 404, "a plain member does not file reports"


def test_a_former_administrator_cannot_file(client: Client, dara: User, doctors: Npa) -> None:
    NpaMembership.objects.filter(user=dara).update(until=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(dara)
    assert client.get(url(doctors, timezone.localdate().year)).status_code == 404


def test_filing_accepts_amounts_as_people_write_them(client: Client, dara: User, doctors: Npa) -> None:
    client.force_login(dara)
    year = timezone.localdate().year
    assert client.get(url(doctors, year)).status_code == 200
    response = client.post(
        url(doctors, year),
        {
            **blank_rows(),
            "income_0_source": "ຄ່າສະມາຊິກ",
            "income_0_amount": "1.234.567",
            "income_1_source": "WHO grant",
            "income_1_amount": "1,000,000",
            "income_1_foreign": "on",
            "income_2_source": "ບໍລິຈາກ",
            "income_2_amount": "໑໒໓",
            "spending_0_purpose": "ຝຶກອົບຮົມ",
            "spending_0_amount": "2 000 000",
            "spending_5_purpose": "",
            "spending_5_amount": "",
        },
    )
    assert response.status_code == 302
    report = AnnualReport.objects.get(npa=doctors, year=year)
    assert sorted(i.amount_kip for i in report.income.all()) == [123, 1_000_000, 1_234_567]
    assert report.income.get(foreign=True).source_lo == "WHO grant"
    assert [s.amount_kip for s in report.spending.all()] == [2_000_000]
    assert not report.is_late
    assert "1,234,567" in client.get(url(doctors, year), HTTP_ACCEPT_LANGUAGE="en").content.decode()


@pytest.mark.parametrize(
    ("amount", "message"),
    [("12abc", "whole number of kip"), ("1.5", "whole number of kip"), ("-500", "cannot be negative")],
)
def test_bad_amounts_are_refused_and_typed_values_kept(
    client: Client, dara: User, doctors: Npa, amount: str, message: str
) -> None:
    client.force_login(dara)
    year = timezone.localdate().year
    response = client.post(
        url(doctors, year),
        {**blank_rows(), "income_0_source": "ຄ່າສະມາຊິກ", "income_0_amount": amount},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert f'value="{amount}"' in page
    assert "ຄ່າສະມາຊິກ" in page
    assert "ຝຶກອົບຮົມແພດ 120 ຄົນ" in page
    assert not AnnualReport.objects.exists()


def test_a_row_needs_both_a_name_and_an_amount(client: Client, dara: User, doctors: Npa) -> None:
    client.force_login(dara)
    response = client.post(
        url(doctors, timezone.localdate().year),
        {**blank_rows(), "income_0_amount": "5000", "spending_0_purpose": "ເຊົ່າຫ້ອງການ"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Name the source of this income." in page
    assert "Give the amount of this spending." in page


def test_a_year_is_filed_once(client: Client, dara: User, doctors: Npa) -> None:
    client.force_login(dara)
    year = timezone.localdate().year
    client.post(url(doctors, year), {**blank_rows(), "income_0_source": "ຄ່າສະມາຊິກ", "income_0_amount": "10"})
    client.post(url(doctors, year), {**blank_rows(), "income_0_source": "ອື່ນ", "income_0_amount": "20"})
    assert AnnualReport.objects.get().income.get().amount_kip == 10


def test_a_report_after_the_deadline_is_flagged_late(client: Client, old_npa: Npa) -> None:
    client.force_login(admin_of(old_npa))
    page = client.get(url(old_npa, 2024), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "will be marked late" in page
    client.post(url(old_npa, 2024), {**blank_rows(), "income_0_source": "ຄ່າສະມາຊິກ", "income_0_amount": "10"})
    report = AnnualReport.objects.get(npa=old_npa, year=2024)
    assert report.deadline == datetime.date(2025, 3, 31)
    assert report.is_late
    assert "late (due" in client.get(url(old_npa, 2024), HTTP_ACCEPT_LANGUAGE="en").content.decode()


@override_settings(NPA_ANNUAL_REPORT_DEADLINE="12-31")
def test_the_deadline_is_a_setting(old_npa: Npa) -> None:
    report = AnnualReport(npa=old_npa, year=2024, submitted_at=timezone.make_aware(datetime.datetime(2025, 6, 1)))
    assert report.deadline == datetime.date(2025, 12, 31)
    assert not report.is_late


def test_reminders_are_sent_once_in_the_window_and_overdue_years_flagged(old_npa: Npa) -> None:
    admin_of(old_npa, email="somchai@example.la", preferred_language="en")
    UserFactory()  # not an administrator: gets nothing
    before_window = datetime.date(2026, 2, 20)
    assert annual_report_remind(today=before_window) == {"sent": 0, "flagged": 1}
    in_window = datetime.date(2026, 3, 10)
    assert annual_report_remind(today=in_window) == {"sent": 2, "flagged": 0}
    messages = Message.objects.order_by("channel")
    assert [m.channel for m in messages] == ["email", "sms"]
    assert "annual report 2025" in messages[0].body
    assert "Midwives Association" in messages[0].body
    assert annual_report_remind(today=in_window) == {"sent": 0, "flagged": 0}
    assert annual_report_remind(today=in_window + datetime.timedelta(days=3)) == {"sent": 0, "flagged": 0}
    assert Message.objects.count() == 2
    assert list(AnnualReportOverdue.objects.values_list("year", flat=True)) == [2024]


def test_reminders_skip_filed_years_and_inactive_associations(old_npa: Npa, alice: User) -> None:
    from elaos.civil_society.services import IncomeIn, annual_report_submit, npa_transition

    admin_of(old_npa)
    annual_report_submit(actor=None, npa=old_npa, year=2025, income=[IncomeIn("ຄ່າສະມາຊິກ", 10)], spending=[])
    assert annual_report_remind(today=datetime.date(2026, 3, 10))["sent"] == 0
    AnnualReport.objects.all().delete()
    npa_transition(actor=alice, npa=old_npa, action="suspend", reason="ກວດກາ")
    assert annual_report_remind(today=datetime.date(2026, 3, 10))["sent"] == 0


def test_the_reminder_task_runs(old_npa: Npa) -> None:
    assert set(annual_report_reminders.call()) == {"sent", "flagged"}


def test_the_demo_citizen_administers_two_associations(db: None) -> None:
    from elaos.demo.data import load_demo

    load_demo()
    load_demo()
    citizen = User.objects.get(phone="+8562055550101")
    memberships = NpaMembership.objects.filter(user=citizen, role=NpaMembership.Role.NPA_ADMIN)
    assert memberships.count() == 2
    assert all(m.npa.status == Npa.Status.ACTIVE for m in memberships)
