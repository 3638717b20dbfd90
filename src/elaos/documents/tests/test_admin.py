"""The admin shows documents read-only and revokes them through the service."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from conftest import StaffFactory, confirmed_totp, totp_now
from elaos.accounts.models import User
from elaos.documents.models import Document

pytestmark = pytest.mark.django_db


def _verified_admin_client(client: Client, user: User) -> Client:
    client.force_login(user)
    device = confirmed_totp(user)
    assert client.post("/accounts/second-factor/", {"token": totp_now(device)}).status_code == 302
    return client


@pytest.fixture
def registrar(db: None) -> User:
    user = StaffFactory(email="registrar@gov.la")
    user.user_permissions.add(
        Permission.objects.get(codename="view_document"), Permission.objects.get(codename="revoke_document")
    )
    return user


def test_the_change_page_is_read_only(client: Client, registrar: User, document: Document) -> None:
    client = _verified_admin_client(client, registrar)

    assert client.get("/admin/documents/document/").status_code == 200
    response = client.get(f"/admin/documents/document/{document.pk}/change/")
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert client.get("/admin/documents/document/add/").status_code == 403


def test_revoke_action_asks_for_a_reason_then_revokes(client: Client, registrar: User, document: Document) -> None:
    client = _verified_admin_client(client, registrar)
    selection = {"action": "revoke", "_selected_action": [document.pk]}

    confirm = client.post("/admin/documents/document/", selection)
    assert confirm.status_code == 200
    assert "reason" in confirm.content.decode()

    done = client.post("/admin/documents/document/", {**selection, "apply": "1", "reason": "Issued in error"})
    assert done.status_code == 302
    document.refresh_from_db()
    assert document.is_revoked
    assert document.revocation_reason == "Issued in error"
    assert document.updated_by == registrar


def test_without_the_revoke_permission_there_is_no_action(client: Client, document: Document) -> None:
    viewer = StaffFactory()
    viewer.user_permissions.add(Permission.objects.get(codename="view_document"))
    client = _verified_admin_client(client, viewer)

    response = client.post("/admin/documents/document/", {"action": "revoke", "_selected_action": [document.pk]})

    document.refresh_from_db()
    assert not document.is_revoked
    assert response.status_code in {200, 302}
