"""Citizen payment pages, the bank callback endpoint, the simulator and the staff reconciliation report."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from conftest import StaffFactory, confirmed_totp, totp_now
from elaos.accounts.models import User
from elaos.agencies.models import Organisation, Role, RoleAssignment
from elaos.core.lao import to_lao_digits
from elaos.payments.models import BankCallback, Payment
from elaos.payments.tests.conftest import callback_body, make_payment, pay, signed

pytestmark = pytest.mark.django_db


def detail_url(payment: Payment) -> str:
    return f"/payments/{payment.public_id}/"


def receipt_url(payment: Payment) -> str:
    return f"/payments/{payment.public_id}/receipt/"


# --- the payer's pages -------------------------------------------------------------------------------------------


def test_the_payer_sees_amount_purpose_reference_and_qr(client: Client, citizen: User, payment: Payment) -> None:
    client.force_login(citizen)

    response = client.get(detail_url(payment))

    assert response.status_code == 200
    html = response.content.decode()
    assert "₭50.000" in html
    assert "ຄ່າທຳນຽມໃບອະນຸຍາດ" in html
    assert payment.reference in html
    assert 'src="data:image/svg+xml' in html
    assert "simulator" not in html


def test_the_page_in_english(client: Client, citizen: User, payment: Payment) -> None:
    client.force_login(citizen)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    html = client.get(detail_url(payment)).content.decode()

    assert "₭50,000" in html
    assert "Permit fee" in html


def test_a_paid_payment_shows_no_qr_and_links_the_receipt(client: Client, citizen: User, payment: Payment) -> None:
    pay(payment, transaction_id="BCEL-55")
    client.force_login(citizen)

    html = client.get(detail_url(payment)).content.decode()

    assert "data:image/svg+xml" not in html
    assert receipt_url(payment) in html


def test_the_receipt(client: Client, citizen: User, payment: Payment) -> None:
    pay(payment, transaction_id="BCEL-55", bank_reference="FT-9")
    client.force_login(citizen)

    response = client.get(receipt_url(payment))

    assert response.status_code == 200
    html = response.content.decode()
    assert "BCEL-55" in html
    assert "FT-9" in html
    assert "₭50.000" in html


def test_there_is_no_receipt_before_payment(client: Client, citizen: User, payment: Payment) -> None:
    client.force_login(citizen)

    assert client.get(receipt_url(payment)).status_code == 404


@pytest.mark.parametrize("url", [detail_url, receipt_url])
def test_another_persons_payment_is_not_found(
    client: Client, other_citizen: User, payment: Payment, url: object
) -> None:
    pay(payment)
    client.force_login(other_citizen)

    assert client.get(url(payment)).status_code == 404  # type: ignore[operator]


def test_anonymous_is_sent_to_sign_in(client: Client, payment: Payment) -> None:
    response = client.get(detail_url(payment))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


# --- the bank callback endpoint ----------------------------------------------------------------------------------


def post_callback(client: Client, request: dict) -> object:
    return client.post(
        "/payments/callback/",
        request["body"],
        content_type="application/json",
        headers={"X-Elaos-Signature": request["signature"], "X-Elaos-Timestamp": request["timestamp"]},
    )


def test_the_bank_callback_pays_without_csrf_or_session(payment: Payment) -> None:
    client = Client(enforce_csrf_checks=True)
    request = signed(callback_body(payment))

    response = post_callback(client, request)

    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response.json() == {"outcome": "accepted", "reason": ""}  # type: ignore[attr-defined]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID

    replay = post_callback(client, request)

    assert replay.status_code == 200  # type: ignore[attr-defined]
    assert replay.json()["outcome"] == "duplicate"  # type: ignore[attr-defined]


def test_a_badly_signed_callback_gets_400(client: Client, payment: Payment) -> None:
    request = signed(callback_body(payment))
    request["signature"] = "f" * 64

    response = post_callback(client, request)

    assert response.status_code == 400  # type: ignore[attr-defined]
    assert response.json() == {"outcome": "rejected", "reason": "bad_signature"}  # type: ignore[attr-defined]
    assert BankCallback.objects.get().headers == {
        "X-Elaos-Signature": "f" * 64,
        "X-Elaos-Timestamp": request["timestamp"],
    }


def test_a_callback_without_headers_is_rejected(client: Client, payment: Payment) -> None:
    response = client.post("/payments/callback/", callback_body(payment), content_type="application/json")

    assert response.status_code == 400
    assert response.json()["reason"] == "bad_signature"


def test_the_callback_takes_only_post(client: Client, db: None) -> None:
    assert client.get("/payments/callback/").status_code == 405


# --- the bank simulator ------------------------------------------------------------------------------------------


def simulator_url(payment: Payment) -> str:
    return f"/payments/simulator/{payment.reference}/"


def test_the_simulator_is_not_found_when_disabled(client: Client, citizen: User, payment: Payment) -> None:
    client.force_login(citizen)

    assert client.get(simulator_url(payment)).status_code == 404
    assert client.post(simulator_url(payment)).status_code == 404
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


@override_settings(PAYMENTS_SIMULATOR=True)
def test_the_simulator_pays_through_the_signed_callback(client: Client, citizen: User, payment: Payment) -> None:
    client.force_login(citizen)
    assert simulator_url(payment) in client.get(detail_url(payment)).content.decode()

    page = client.get(simulator_url(payment))
    assert page.status_code == 200
    assert 'type="submit"' in page.content.decode()

    response = client.post(simulator_url(payment))

    assert response.status_code == 302
    assert response["Location"] == detail_url(payment)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert payment.bank_transaction_id.startswith("SIM-")
    callback = BankCallback.objects.get()
    assert (callback.outcome, callback.signature_valid) == ("accepted", True)
    assert json.loads(callback.body)["reference"] == payment.reference

    again = client.post(simulator_url(payment), follow=True)
    assert again.status_code == 200
    assert BankCallback.objects.filter(outcome="rejected", reason="already_paid").count() == 1


@override_settings(PAYMENTS_SIMULATOR=True)
def test_the_simulator_shows_nobody_elses_payment(client: Client, other_citizen: User, payment: Payment) -> None:
    client.force_login(other_citizen)

    assert client.get(simulator_url(payment)).status_code == 404
    assert client.post(simulator_url(payment)).status_code == 404
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


@override_settings(DEBUG=True)
def test_the_simulator_is_on_in_debug_and_asks_to_sign_in(client: Client, payment: Payment) -> None:
    response = client.get(simulator_url(payment))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


# --- reconciliation ----------------------------------------------------------------------------------------------


@pytest.fixture
def paid_day(citizen: User, other_citizen: User, district_office: Organisation, ministry: Organisation) -> dict:
    """Today: two payments to the officer's district office and one to the ministry above it (not theirs);
    yesterday: one more to the district office; and one still pending."""
    now = timezone.now()
    today_1 = make_payment(citizen, district_office, amount_kip=50_000, subject_id="1")
    today_2 = make_payment(other_citizen, district_office, amount_kip=25_000, subject_id="2")
    elsewhere = make_payment(citizen, ministry, amount_kip=99_000, subject_id="3")
    yesterday = make_payment(citizen, district_office, amount_kip=7_000, subject_id="4")
    make_payment(citizen, district_office, amount_kip=1_000, subject_id="5")
    pay(today_1, transaction_id="T1", paid_at=now)
    pay(today_2, transaction_id="T2", paid_at=now)
    pay(elsewhere, transaction_id="T3", paid_at=now)
    pay(yesterday, transaction_id="T4", paid_at=now - timedelta(days=1))
    return {"today": timezone.localdate(), "payments": [today_1, today_2]}


def test_reconciliation_totals_per_agency(verified_officer_client: Client, paid_day: dict) -> None:
    response = verified_officer_client.get("/payments/reconciliation/", {"date": paid_day["today"].isoformat()})

    assert response.status_code == 200
    report = response.context["report"]
    assert [(row.agency.code, row.count, row.total_kip) for row in report.agencies] == [
        ("molsw-vte-chanthabouly", 2, 75_000)
    ]
    assert (report.count, report.total_kip) == (2, 75_000)
    html = response.content.decode()
    assert "T1" in html
    assert "T2" in html
    assert "T3" not in html
    assert "₭75.000" in html


def test_reconciliation_defaults_to_today(verified_officer_client: Client, paid_day: dict) -> None:
    response = verified_officer_client.get("/payments/reconciliation/")

    assert response.context["report"].day == paid_day["today"]
    assert response.context["report"].count == 2


def test_reconciliation_reads_lao_digits(verified_officer_client: Client, paid_day: dict) -> None:
    response = verified_officer_client.get(
        "/payments/reconciliation/", {"date": to_lao_digits(paid_day["today"].isoformat())}
    )

    assert response.context["report"].count == 2


def test_reconciliation_of_another_day(verified_officer_client: Client, paid_day: dict) -> None:
    day = paid_day["today"] - timedelta(days=1)

    report = verified_officer_client.get("/payments/reconciliation/", {"date": day.isoformat()}).context["report"]

    assert [(p.bank_transaction_id, p.amount_kip) for p in report.payments] == [("T4", 7_000)]


def test_reconciliation_with_a_bad_date_shows_the_error(verified_officer_client: Client, db: None) -> None:
    response = verified_officer_client.get("/payments/reconciliation/", {"date": "31/31/2025"})

    assert response.status_code == 200
    assert response.context["report"] is None
    assert response.context["form"].errors


def test_reconciliation_as_csv(verified_officer_client: Client, paid_day: dict) -> None:
    response = verified_officer_client.get(
        "/payments/reconciliation/", {"date": paid_day["today"].isoformat(), "format": "csv"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="payments-{paid_day["today"].isoformat()}.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["reference"], r["amount_kip"], r["bank_transaction_id"]) for r in rows] == [
        (p.reference, str(p.amount_kip), f"T{i}") for i, p in enumerate(paid_day["payments"], start=1)
    ]
    assert {r["agency_code"] for r in rows} == {"molsw-vte-chanthabouly"}


def test_a_ministry_official_sees_the_offices_below(client: Client, paid_day: dict, ministry: Organisation) -> None:
    official = StaffFactory()
    RoleAssignment.objects.create(user=official, organisation=ministry, role=Role.objects.get(code="auditor"))
    device = confirmed_totp(official)
    client.force_login(official)
    client.post("/accounts/second-factor/", {"token": totp_now(device)})

    report = client.get("/payments/reconciliation/").context["report"]

    assert sorted((row.agency.code, row.total_kip) for row in report.agencies) == [
        ("molsw", 99_000),
        ("molsw-vte-chanthabouly", 75_000),
    ]


def test_staff_without_a_role_see_nothing(client: Client, paid_day: dict) -> None:
    staff = StaffFactory()
    device = confirmed_totp(staff)
    client.force_login(staff)
    client.post("/accounts/second-factor/", {"token": totp_now(device)})

    assert client.get("/payments/reconciliation/").context["report"].count == 0


def test_reconciliation_is_not_found_for_citizens(client: Client, citizen: User) -> None:
    client.force_login(citizen)

    assert client.get("/payments/reconciliation/").status_code == 404
    assert client.get("/payments/reconciliation/", {"format": "csv"}).status_code == 404


def test_reconciliation_sends_anonymous_to_sign_in(client: Client, db: None) -> None:
    response = client.get("/payments/reconciliation/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_an_agency_name_is_not_run_as_a_spreadsheet_formula(
    verified_officer_client: Client, citizen: User, district_office: Organisation
) -> None:
    Organisation.objects.filter(pk=district_office.pk).update(name_en='=HYPERLINK("http://evil")')
    pay(make_payment(citizen, district_office), transaction_id="@SUM(1)")

    body = verified_officer_client.get("/payments/reconciliation/", {"format": "csv"}).content.decode()

    assert "'=HYPERLINK" in body
    assert "'@SUM(1)" in body
