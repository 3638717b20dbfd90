import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from elaos.accounts.models import User
from elaos.agencies.models import Organisation, Sector
from elaos.civil_society.models import Npa
from elaos.coordination import services
from elaos.coordination.models import AnnualMeeting, MeetingRegistration, SectorGroup, WorkPlanItem
from elaos.coordination.tests.conftest import verified_client
from elaos.demo.data import load_demo

pytestmark = pytest.mark.django_db


def test_public_pages_with_the_demo(client: Client) -> None:
    load_demo()
    year = timezone.localdate().year
    for path in (
        "/coordination/groups/",
        "/coordination/groups/health/",
        "/coordination/meetings/",
        f"/coordination/meetings/{year - 1}/",
        f"/coordination/meetings/{year}/",
    ):
        assert client.get(path).status_code == 200, path
    page = client.get("/coordination/groups/health/").content.decode()
    assert page.count("coordination-overdue") == 1
    assert 'tabindex="0" role="region"' in page
    assert client.get("/coordination/groups/education/").status_code == 404
    assert client.get("/coordination/meetings/1999/").status_code == 404


def test_overdue_items_are_flagged_in_text(client: Client, group: SectorGroup, dara: User) -> None:
    services.work_plan_item_add(
        actor=dara,
        group=group,
        title_lo="ສຳຫຼວດ",
        owner_name="ກະຊວງ",
        due_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    response = client.get("/coordination/groups/health/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Overdue" in response.content.decode()


def test_group_manage_is_404_for_citizens_and_other_offices(
    group: SectorGroup, citizen: User, erin: User, alice: User
) -> None:
    client = Client()
    client.force_login(citizen)
    assert client.get("/coordination/groups/health/manage/").status_code == 404
    for staff in (erin, alice):
        assert verified_client(staff).get("/coordination/groups/health/manage/").status_code == 404


def test_focal_office_staff_add_a_member_and_an_item(group: SectorGroup, dara: User, doctors: Npa) -> None:
    client = verified_client(dara)
    assert client.get("/coordination/groups/health/manage/").status_code == 200
    response = client.post(
        "/coordination/groups/health/manage/",
        {"action": "add_member", "member-npa": doctors.pk, "member-joined_on": ""},
    )
    assert response.status_code == 302
    member = group.members.get()
    response = client.post(
        "/coordination/groups/health/manage/", {"action": "remove_member", "member": member.public_id}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.left_on == timezone.localdate()
    response = client.post(
        "/coordination/groups/health/manage/",
        {"action": "add_item", "item-title_lo": "ຝຶກອົບຮົມ", "item-owner_name": "ສະມາຄົມແພດ", "item-owner_npa": doctors.pk},
    )
    assert response.status_code == 302
    item = WorkPlanItem.objects.get()
    response = client.post(
        f"/coordination/groups/health/manage/items/{item.public_id}/", {"status": "in_progress", "notes": "ເລີ່ມ"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "in_progress"


def test_group_forms_keep_typed_input_on_errors(group: SectorGroup, dara: User) -> None:
    client = verified_client(dara)
    response = client.post(
        "/coordination/groups/health/manage/",
        {"action": "add_meeting", "meeting-date": "not a date", "meeting-place": "ຫ້ອງປະຊຸມ A", "meeting-agenda_lo": ""},
    )
    assert response.status_code == 400
    assert "ຫ້ອງປະຊຸມ A" in response.content.decode()


def test_signed_in_user_registers_once(upcoming: AnnualMeeting, citizen: User, doctors: Npa) -> None:
    client = Client()
    client.force_login(citizen)
    url = f"/coordination/meetings/{upcoming.year}/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="register_as"' in page.content.decode()
    response = client.post(url, {"register_as": "npa", "npa": doctors.pk})
    assert response.status_code == 302
    assert MeetingRegistration.objects.get().npa == doctors
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="register_as"' not in page
    assert client.post(url, {"register_as": "npa", "npa": doctors.pk}).status_code == 302
    assert MeetingRegistration.objects.count() == 1


def test_registration_form_keeps_input_on_errors(upcoming: AnnualMeeting, citizen: User, doctors: Npa) -> None:
    client = Client()
    client.force_login(citizen)
    response = client.post(f"/coordination/meetings/{upcoming.year}/", {"register_as": "npa", "npa": ""})
    assert response.status_code == 400
    assert 'value="npa" required id="id_register_as_0" checked' in response.content.decode()


def test_anonymous_visitors_are_asked_to_sign_in(client: Client, upcoming: AnnualMeeting, doctors: Npa) -> None:
    url = f"/coordination/meetings/{upcoming.year}/"
    assert "/accounts/sign-in/" in client.get(url).content.decode()
    assert client.post(url, {"register_as": "npa", "npa": doctors.pk}).status_code == 302
    assert not MeetingRegistration.objects.exists()


def test_meeting_manage_is_for_the_convener_only(past: AnnualMeeting, alice: User, dara: User, citizen: User) -> None:
    url = f"/coordination/meetings/{past.year}/manage/"
    client = Client()
    client.force_login(citizen)
    assert client.get(url).status_code == 404
    assert verified_client(dara).get(url).status_code == 404
    convener = verified_client(alice)
    assert convener.get(url).status_code == 200
    response = convener.post(
        url, {"action": "add_commitment", "commitment-title_lo": "", "commitment-owner_name": "ກະຊວງພາຍໃນ"}
    )
    assert response.status_code == 400
    assert "ກະຊວງພາຍໃນ" in response.content.decode()
    response = convener.post(
        url, {"action": "add_commitment", "commitment-title_lo": "ແບບຟອມໃໝ່", "commitment-owner_name": "ກະຊວງພາຍໃນ"}
    )
    assert response.status_code == 302
    commitment = past.commitments.get()
    response = convener.post(
        f"{url}commitments/{commitment.public_id}/", {"status": "in_progress", "note_lo": "ກຳລັງຮ່າງ"}
    )
    assert response.status_code == 302
    response = convener.post(url, {"action": "publish_minutes", "minutes-minutes_lo": "ບົດບັນທຶກກອງປະຊຸມ"})
    assert response.status_code == 302
    page = Client().get(f"/coordination/meetings/{past.year}/").content.decode()
    assert "ບົດບັນທຶກກອງປະຊຸມ" in page
    assert "ກຳລັງຮ່າງ" in page


def test_minutes_and_item_pages(group: SectorGroup, dara: User, erin: User) -> None:
    meeting = services.group_meeting_add(
        actor=dara, group=group, date=timezone.localdate(), place="ວຽງຈັນ", agenda_lo="ວາລະ"
    )
    item = services.work_plan_item_add(actor=dara, group=group, title_lo="ວຽກ", owner_name="ກະຊວງ")
    minutes_url = f"/coordination/groups/health/manage/meetings/{meeting.public_id}/"
    item_url = f"/coordination/groups/health/manage/items/{item.public_id}/"
    client = verified_client(dara)
    assert client.get(minutes_url).status_code == 200
    assert client.get(item_url).status_code == 200
    response = client.post(minutes_url, {"minutes_lo": "", "minutes_en": "Typed minutes"})
    assert response.status_code == 400
    assert "Typed minutes" in response.content.decode()
    assert client.post(minutes_url, {"minutes_lo": "ບົດບັນທຶກ"}).status_code == 302
    response = client.post(item_url, {"status": "open", "due_date": "31/31/2026", "notes": "ບັນທຶກ X"})
    assert response.status_code == 400
    assert "ບັນທຶກ X" in response.content.decode()
    other = verified_client(erin)
    assert other.get(minutes_url).status_code == 404
    assert other.get(item_url).status_code == 404


def test_a_registration_can_be_cancelled_until_the_meeting(
    upcoming: AnnualMeeting, citizen: User, doctors: Npa
) -> None:
    client = Client()
    client.force_login(citizen)
    url = f"/coordination/meetings/{upcoming.year}/"
    client.post(url, {"register_as": "npa", "npa": doctors.pk})
    assert 'value="cancel_registration"' in client.get(url).content.decode()

    assert client.post(url, {"action": "cancel_registration"}, HTTP_ACCEPT_LANGUAGE="en").status_code == 302
    assert not MeetingRegistration.objects.exists()
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your registration is cancelled." in page
    assert 'name="register_as"' in page  # may register again
    # Nothing to cancel any more: a clear message, nothing changes.
    client.post(url, {"action": "cancel_registration"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "You are not registered for this meeting." in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_registration_stays_once_the_meeting_took_place(past: AnnualMeeting, citizen: User, doctors: Npa) -> None:
    MeetingRegistration.objects.create(meeting=past, user=citizen, npa=doctors)
    with pytest.raises(ValidationError):
        services.meeting_registration_cancel(actor=citizen, meeting=past)
    assert MeetingRegistration.objects.count() == 1


def test_the_convener_creates_a_sector_group_and_a_meeting(alice: User, health: Sector, moh: Organisation) -> None:
    client = verified_client(alice)
    assert client.get("/coordination/manage/").status_code == 200
    response = client.post(
        "/coordination/manage/",
        {
            "action": "create_group",
            "group-sector": health.pk,
            "group-focal_office": moh.pk,
            "group-name_lo": "ກຸ່ມສາທາລະນະສຸກ",
            "group-name_en": "Health group",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/coordination/groups/health/"
    assert SectorGroup.objects.get().focal_office == moh
    # The focal office runs the group; the convener sees its public page.
    assert 'href="/coordination/groups/health/"' in client.get("/coordination/manage/").content.decode()
    year = timezone.localdate().year + 1
    response = client.post(
        "/coordination/manage/",
        {
            "action": "create_meeting",
            "meeting-year": year,
            "meeting-date": f"{year}-03-10",
            "meeting-place": "ວຽງຈັນ",
            "meeting-title_lo": "ກອງປະຊຸມປະຈຳປີ",
        },
    )
    assert response["Location"] == f"/coordination/meetings/{year}/manage/"
    # A date outside its year: the service's message on the form, what was typed kept.
    response = client.post(
        "/coordination/manage/",
        {
            "action": "create_meeting",
            "meeting-year": year + 1,
            "meeting-date": f"{year}-03-10",
            "meeting-place": "ຫຼວງພະບາງ",
            "meeting-title_lo": "ກອງປະຊຸມ",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "The meeting date must fall in its year." in response.content.decode()
    assert 'value="ຫຼວງພະບາງ"' in response.content.decode()
    assert AnnualMeeting.objects.count() == 1


def test_the_convener_page_is_404_for_everyone_else(dara: User, erin: User, citizen: User) -> None:
    citizen_client = Client()
    citizen_client.force_login(citizen)
    assert citizen_client.get("/coordination/manage/").status_code == 404
    for staff in (dara, erin):
        assert verified_client(staff).get("/coordination/manage/").status_code == 404
        assert verified_client(staff).post("/coordination/manage/", {"action": "create_meeting"}).status_code == 404
