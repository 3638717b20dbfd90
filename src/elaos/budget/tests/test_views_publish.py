"""The publishing back office: only staff with a role in an agency's organisation tree publish for it (anyone else
gets 404), a bad file shows each bad row and why and publishes nothing, a good file publishes all or nothing, or
the good rows only, and the upload form keeps what was typed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import confirmed_totp, staff_with_role, totp_now
from elaos.budget.models import AgencyYearTotal, ImportBatch, ImportRowError, Transaction
from elaos.budget.tests.portal_data import Portal

pytest_plugins = ["elaos.budget.tests.portal_data"]

pytestmark = pytest.mark.django_db

HEADER = (
    "reference,date,agency,payee_name_lo,payee_name_en,payee_kind,payee_registration_number,purpose_lo,purpose_en,"
    "amount,budget_code,contract_id"
)
GOOD_ROWS = [
    "P-100,2025-05-02,molsw,ບໍລິສັດ ພູສີ,Phousi Co,company,0101-2025-90,ຊື້ເຂົ້າສານ,Rice,55000000,MOLSW-10-001,",
    "P-101,2025-05-09,molsw,ບໍລິສັດ ພູສີ,Phousi Co,company,0101-2025-90,ຊື້ນ້ຳດື່ມ,Water,32000000,MOLSW-10-001,",
]
BAD_ROWS = [
    "P-102,2025-05-10,molsw,ບໍລິສັດ ພູສີ,Phousi Co,company,0101-2025-90,ຊື້ເຂົ້າ,Rice,-5,MOLSW-10-001,",
    "P-103,2025-02-30,molsw,ບໍລິສັດ ພູສີ,Phousi Co,company,0101-2025-90,ຊື້ເຂົ້າ,Rice,40000000,NO-SUCH-CODE,",
]


def csv_file(*rows: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("transactions.csv", ("\n".join([HEADER, *rows]) + "\n").encode(), "text/csv")


def signed_in(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)
    response = client.post("/accounts/second-factor/", {"token": totp_now(user.totpdevice_set.get())})
    assert response.status_code == 302
    return client


@pytest.fixture
def publisher(client, portal: Portal, officer):  # type: ignore[no-untyped-def]
    """The officer: a reviewer in a district office of the labour ministry, so a publisher for the ministry."""
    return signed_in(client, officer)


def upload(client, *rows: str, **fields: object):  # type: ignore[no-untyped-def]
    data = {"information_type": "transactions", "fiscal_year": "2025", "file": csv_file(*rows), **fields}
    return client.post(reverse("budget:publish_agency", args=["molsw"]), data)


def test_publisher_sees_the_agencies_of_their_tree(publisher) -> None:  # type: ignore[no-untyped-def]
    html = publisher.get(reverse("budget:publish_home")).content.decode()
    for code in ("molsw", "molsw-vte", "molsw-vte-chanthabouly"):
        assert reverse("budget:publish_agency", args=[code]) in html
    assert reverse("budget:publish_agency", args=["moh"]) not in html
    assert publisher.get(reverse("budget:publish_agency", args=["molsw"])).status_code == 200


def test_staff_of_another_agency_get_404(client, portal: Portal) -> None:  # type: ignore[no-untyped-def]
    other = staff_with_role("reviewer", portal.health_province)
    confirmed_totp(other)
    signed_in(client, other)
    assert client.get(reverse("budget:publish_agency", args=["molsw"])).status_code == 404
    assert client.get(reverse("budget:publish_template", args=["molsw", "transactions", "csv"])).status_code == 404
    response = client.post(
        reverse("budget:publish_agency", args=["molsw"]),
        {"information_type": "transactions", "fiscal_year": "2025", "file": csv_file(*GOOD_ROWS)},
    )
    assert response.status_code == 404
    assert not ImportBatch.objects.exists()


def test_a_batch_of_another_agency_answers_404(client, portal: Portal, publisher) -> None:  # type: ignore[no-untyped-def]
    upload(publisher, *GOOD_ROWS)
    batch = ImportBatch.objects.get()
    publisher.logout()
    other = staff_with_role("reviewer", portal.health)
    confirmed_totp(other)
    signed_in(client, other)
    assert client.get(reverse("budget:publish_batch", args=[batch.public_id])).status_code == 404
    response = client.post(reverse("budget:publish_batch_publish", args=[batch.public_id]), {"mode": "all"})
    assert response.status_code == 404
    assert not Transaction.objects.filter(reference="P-100").exists()


def test_citizens_get_404_and_visitors_are_sent_to_sign_in(client, portal: Portal, citizen) -> None:  # type: ignore[no-untyped-def]
    url = reverse("budget:publish_home")
    assert client.get(url).status_code == 302
    client.force_login(citizen)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_template_download(publisher, fmt: str) -> None:  # type: ignore[no-untyped-def]
    response = publisher.get(reverse("budget:publish_template", args=["molsw", "transactions", fmt]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    if fmt == "csv":
        assert response.content.decode("utf-8-sig").startswith("reference,date,agency")


def test_bad_file_shows_each_bad_row_and_publishes_nothing(publisher) -> None:  # type: ignore[no-untyped-def]
    before = Transaction.objects.count()
    response = upload(publisher, GOOD_ROWS[0], *BAD_ROWS)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("budget:publish_batch", args=[batch.public_id])
    assert batch.status == ImportBatch.Status.INVALID
    html = publisher.get(response["Location"]).content.decode()
    codes = set(ImportRowError.objects.filter(batch=batch).values_list("code", flat=True))
    assert {"negative", "bad_date", "unknown_budget_line"} <= codes
    assert "NO-SUCH-CODE" in html
    assert "2025-02-30" in html
    # All or nothing is refused while a row is bad.
    response = publisher.post(reverse("budget:publish_batch_publish", args=[batch.public_id]), {"mode": "all"})
    assert Transaction.objects.count() == before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.rows_published == 0


def test_keep_the_good_rows(publisher) -> None:  # type: ignore[no-untyped-def]
    upload(publisher, GOOD_ROWS[0], *BAD_ROWS)
    batch = ImportBatch.objects.get()
    page = publisher.get(reverse("budget:publish_batch", args=[batch.public_id])).content.decode()
    assert 'value="keep_good"' in page
    assert 'value="all"' not in page
    publisher.post(reverse("budget:publish_batch_publish", args=[batch.public_id]), {"mode": "keep_good"})
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PUBLISHED
    assert batch.rows_published == 1
    assert list(Transaction.objects.filter(reference__startswith="P-").values_list("reference", flat=True)) == ["P-100"]


def test_good_file_previews_then_publishes_all_and_updates_the_portal(publisher, portal: Portal) -> None:  # type: ignore[no-untyped-def]
    response = upload(publisher, *GOOD_ROWS)
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.VALIDATED
    html = publisher.get(response["Location"]).content.decode()
    assert "ຊື້ນ້ຳດື່ມ" in html  # the preview
    assert not Transaction.objects.filter(reference__startswith="P-").exists()
    response = publisher.post(reverse("budget:publish_batch_publish", args=[batch.public_id]), {"mode": "all"})
    assert response.status_code == 302
    assert Transaction.objects.filter(reference__startswith="P-").count() == 2
    total = AgencyYearTotal.objects.get(agency=portal.labour, fiscal_year_id=2025)
    assert total.transactions_amount == 60_000_000 + 55_000_000 + 32_000_000
    history = publisher.get(reverse("budget:publish_agency", args=["molsw"])).content.decode()
    assert reverse("budget:publish_batch", args=[batch.public_id]) in history
    # Publishing twice publishes nothing more.
    publisher.post(reverse("budget:publish_batch_publish", args=[batch.public_id]), {"mode": "all"})
    assert Transaction.objects.filter(reference__startswith="P-").count() == 2


def test_form_keeps_input_and_explains_a_missing_file(publisher) -> None:  # type: ignore[no-untyped-def]
    response = publisher.post(
        reverse("budget:publish_agency", args=["molsw"]),
        {"information_type": "budget_lines", "fiscal_year": "2025", "period_start": "2025-01-01"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="budget_lines" selected' in html
    assert 'value="2025-01-01"' in html
    assert "id_file_error" in html or "error" in html
    assert not ImportBatch.objects.exists()


def test_a_binary_file_is_refused(publisher) -> None:  # type: ignore[no-untyped-def]
    response = publisher.post(
        reverse("budget:publish_agency", args=["molsw"]),
        {
            "information_type": "transactions",
            "fiscal_year": "2025",
            "file": SimpleUploadedFile("x.pdf", b"%PDF-1.4\x00\x00", "application/pdf"),
        },
    )
    assert response.status_code == 200
    assert not ImportBatch.objects.exists()


def test_a_working_batch_page_refreshes_itself(publisher) -> None:  # type: ignore[no-untyped-def]
    upload(publisher, *GOOD_ROWS)
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.PUBLISHING, progress=40)
    response = publisher.get(reverse("budget:publish_batch", args=[batch.public_id]))
    assert response["Refresh"] == "2"
    assert 'value="40"' in response.content.decode()
