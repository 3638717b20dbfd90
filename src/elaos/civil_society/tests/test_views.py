"""The public register pages, the name check, and the registrar's status pages (404 for everyone else)."""

import pytest
from django.test import Client

from elaos.accounts.models import User
from elaos.civil_society.models import Npa
from elaos.civil_society.selectors import lao_name_lookalikes
from elaos.civil_society.services import IncomeIn, SpendingIn, annual_report_submit, npa_transition
from elaos.civil_society.tests.conftest import verified_client


def numbers(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [npa.registration_number for npa in response.context["page"].object_list]


def test_register_lists_everyone_with_counts(client: Client, alice: User, doctors: Npa, teachers: Npa) -> None:
    npa_transition(actor=alice, npa=teachers, action="suspend", reason="ບໍ່ສົ່ງບົດລາຍງານ")
    response = client.get("/npas/")
    assert response.status_code == 200
    assert numbers(response) == [doctors.registration_number, teachers.registration_number]
    counts = {code: n for _label, code, n in response.context["counts"]}
    assert counts == {"active": 1, "suspended": 1, "dissolved": 0}


def test_search_in_lao_finds_a_word_typed_without_spaces(client: Client, doctors: Npa, teachers: Npa) -> None:
    # Best match first: the doctors' objectives also hold ສົ່ງເສີມ, the teachers' name holds every word.
    assert numbers(client.get("/npas/", {"q": "ສົ່ງເສີມການສຶກສາ"}))[0] == teachers.registration_number
    assert numbers(client.get("/npas/", {"q": "ການສຶກສາເດັກນ້ອຍ"})) == [teachers.registration_number]
    assert numbers(client.get("/npas/", {"q": "ແພດລາວ"}))[0] == doctors.registration_number
    assert numbers(client.get("/npas/", {"q": "children education"})) == [teachers.registration_number]


def test_search_finds_a_lao_name_typed_with_a_misspelling(client: Client, doctors: Npa, teachers: Npa) -> None:
    # ເດັກນ້ອຍ without its tone mark, ການສຶກສາ with ສ for ຊ: no segmented word matches as typed.
    assert numbers(client.get("/npas/", {"q": "ການສຶກຊາເດັກນອຍ"})) == [teachers.registration_number]
    assert numbers(client.get("/npas/", {"q": "ສະມາຄົມສົ່ງເສີມການສຶກສາເດັກນອຍ"}))[0] == teachers.registration_number
    # Letters scattered over a long name are no look-alike; nor is a short word.
    assert lao_name_lookalikes("ມາຄົມນ້ອຍ") == []
    assert lao_name_lookalikes("ສຶກຊ") == []
    assert numbers(client.get("/npas/", {"q": "ສຶກຊາ", "sector": "health"})) == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"sector": "health"}, ["doctors"]),
        ({"province": "13"}, ["teachers"]),
        ({"level": "provincial"}, ["teachers"]),
        ({"type": "professional_technical_creative"}, ["doctors"]),
        ({"status": "suspended"}, []),
        ({"status": "active", "q": "ສຶກສາ"}, ["teachers"]),
        ({"sector": "no-such-sector"}, ["doctors", "teachers"]),
    ],
)
def test_filters(client: Client, doctors: Npa, teachers: Npa, params: dict, expected: list[str]) -> None:
    by_name = {"doctors": doctors.registration_number, "teachers": teachers.registration_number}
    assert numbers(client.get("/npas/", params)) == [by_name[n] for n in expected]


def test_register_is_paginated(client: Client, doctors: Npa, monkeypatch: pytest.MonkeyPatch, teachers: Npa) -> None:
    monkeypatch.setattr("elaos.civil_society.views.PAGE_SIZE", 1)
    second = client.get("/npas/", {"page": 2})
    assert numbers(second) == [teachers.registration_number]
    assert second.context["page"].paginator.num_pages == 2


def test_profile_shows_the_record(client: Client, doctors: Npa) -> None:
    annual_report_submit(
        actor=None,
        npa=doctors,
        year=doctors.registered_on.year,
        income=[IncomeIn("ຄ່າສະມາຊິກ", 40_000_000), IncomeIn("ທຶນຕ່າງປະເທດ", 10_000_000, foreign=True)],
        spending=[SpendingIn("ກິດຈະກຳ", 30_000_000)],
    )
    response = client.get(f"/npas/{doctors.registration_number}/", HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert doctors.name_lo in page
    assert "ບຸນທະວີ ສີສຸພັນ" in page
    assert "ກະຊວງສາທາລະນະສຸກ" in page or "Ministry of Health" in page
    assert '<svg role="img"' in page
    assert "₭50.000.000" in page or "₭50,000,000" in page
    assert 'href="/npas/' in page
    assert "/suspend/" not in page, "no registrar actions for the public"


def test_profile_shows_why_and_since_when_an_association_is_suspended(
    client: Client, alice: User, doctors: Npa
) -> None:
    npa_transition(actor=alice, npa=doctors, action="suspend", reason="ບໍ່ໄດ້ສົ່ງບົດລາຍງານປະຈຳປີ")
    page = client.get(f"/npas/{doctors.registration_number}/").content.decode()
    assert "ບໍ່ໄດ້ສົ່ງບົດລາຍງານປະຈຳປີ" in page
    assert "npa-notice" in page


def test_unknown_association_is_404(client: Client, db: None) -> None:
    assert client.get("/npas/NPA-1999-0001/").status_code == 404


def test_name_check_answers_json_and_an_htmx_fragment(client: Client, doctors: Npa) -> None:
    taken = client.get("/npas/name-check/", {"name": "ສະມາຄົມ ແພດລາວ"}).json()
    assert taken["available"] is False
    assert taken["similar"][0]["registration_number"] == doctors.registration_number
    assert client.get("/npas/name-check/", {"name": "ສະມາຄົມຊາວສວນ"}).json() == {
        "name": "ສະມາຄົມຊາວສວນ",
        "available": True,
        "similar": [],
    }
    fragment = client.get("/npas/name-check/", {"name": "Lao Medical Association"}, HTTP_HX_REQUEST="true")
    assert 'role="status"' in fragment.content.decode()
    assert doctors.registration_number in fragment.content.decode()


@pytest.mark.parametrize("action", ["suspend", "dissolve"])
def test_staff_actions_are_404_for_citizens(client: Client, citizen: User, doctors: Npa, action: str) -> None:
    client.force_login(citizen)
    url = f"/npas/{doctors.registration_number}/{action}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x"}).status_code == 404


@pytest.mark.parametrize("who", ["bob", "charlie"])
def test_staff_actions_are_404_for_staff_outside_moha(
    client: Client, request: pytest.FixtureRequest, doctors: Npa, who: str
) -> None:
    client = verified_client(client, request.getfixturevalue(who))
    url = f"/npas/{doctors.registration_number}/suspend/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "no right"}).status_code == 404
    doctors.refresh_from_db()
    assert doctors.status == Npa.Status.ACTIVE


def test_anonymous_is_sent_to_sign_in(client: Client, doctors: Npa) -> None:
    response = client.get(f"/npas/{doctors.registration_number}/suspend/")
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]


def test_registrar_suspends_with_a_reason(client: Client, alice: User, doctors: Npa) -> None:
    client = verified_client(client, alice)
    profile = client.get(f"/npas/{doctors.registration_number}/").content.decode()
    assert f"/npas/{doctors.registration_number}/suspend/" in profile
    assert f"/npas/{doctors.registration_number}/reinstate/" not in profile
    url = f"/npas/{doctors.registration_number}/suspend/"
    assert client.get(url).status_code == 200

    missing = client.post(url, {"reason": ""})
    assert missing.status_code == 200
    assert missing.context["form"].errors["reason"]

    done = client.post(url, {"reason": "ບໍ່ສົ່ງບົດລາຍງານ", "date": ""})
    assert done.status_code == 302
    doctors.refresh_from_db()
    assert doctors.status == Npa.Status.SUSPENDED
    assert client.get(url).status_code == 404, "an association already suspended cannot be suspended again"
    assert client.get(f"/npas/{doctors.registration_number}/reinstate/").status_code == 200
    assert client.get(f"/npas/{doctors.registration_number}/archive/").status_code == 404


def test_chart_numbers_are_not_localised(client: Client, doctors: Npa) -> None:
    """Lao formats decimals with a comma; SVG coordinates must keep the point whatever the language."""
    from elaos.civil_society.selectors import finances_by_year
    from elaos.civil_society.views import finance_chart

    annual_report_submit(
        actor=None,
        npa=doctors,
        year=doctors.registered_on.year,
        income=[IncomeIn("ຄ່າສະມາຊິກ", 33_333_333)],
        spending=[SpendingIn("ກິດຈະກຳ", 12_345_678)],
    )
    chart = finance_chart(finances_by_year(Npa.objects.get(pk=doctors.pk)))
    assert chart is not None
    assert [bar.css for bar in chart["bars"]] == ["chart-income", "chart-spending"]
    assert float(chart["bars"][0].height) > float(chart["bars"][1].height)
    page = client.get(f"/npas/{doctors.registration_number}/", HTTP_ACCEPT_LANGUAGE="lo").content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "," not in "".join(part.split('"')[1] for part in svg.split(' y="')[1:])


def test_the_registration_form_checks_the_name_while_typing(client, citizen) -> None:  # type: ignore[no-untyped-def]
    """The npa-registration form's name fields ask /npas/name-check/ through htmx, which answers a fragment."""
    from elaos.demo.data import load_demo
    from elaos.services.models import Service
    from elaos.services.services import application_create

    load_demo()
    application = application_create(applicant=citizen, service=Service.objects.get(code="npa-registration"))
    client.force_login(citizen)
    page = client.get(f"/services/applications/{application.public_id}/").content.decode()
    assert 'hx-get="/npas/name-check/"' in page
    assert 'id="id_name_lo_check"' in page
    taken = Npa.objects.first()
    fragment = client.get("/npas/name-check/", {"name_lo": taken.name_lo}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert taken.registration_number in fragment.content.decode()
