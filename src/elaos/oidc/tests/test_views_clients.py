"""The staff pages where an identity administrator registers agency systems."""

from django.test import Client

from elaos.agencies.models import Organisation
from elaos.core.models import AuditEvent
from elaos.oidc.models import AgencyClient

FORM = {
    "name_lo": "ລະບົບທະບຽນ",
    "name_en": "Registry system",
    "client_type": "confidential",
    "redirect_uris": "https://registry.example/callback",
    "post_logout_redirect_uris": "",
    "allowed_scopes": ["openid", "profile"],
}


def test_register_a_client_and_see_its_secret_once(admin_client, ministry) -> None:
    assert admin_client.get("/backoffice/oidc/clients/new/").status_code == 200
    response = admin_client.post("/backoffice/oidc/clients/new/", {**FORM, "organisation": ministry.pk})
    assert response.status_code == 302
    client = AgencyClient.objects.get()
    assert client.allowed_scopes == ["openid", "profile"]
    assert client.application.algorithm == "RS256"
    first = admin_client.get(response["Location"])
    secret_shown = "Client secret" in first.content.decode() or "ລະຫັດລັບ" in first.content.decode()
    assert first.status_code == 200
    assert secret_shown
    assert first["Cache-Control"] == "no-store"
    second = admin_client.get(response["Location"]).content.decode()
    assert "no-store" not in admin_client.get(response["Location"]).get("Cache-Control", "")
    assert client.application.client_id in second
    assert AuditEvent.objects.filter(action="oidc.client_register", actor__email="identity@gov.la").exists()
    assert admin_client.get("/backoffice/oidc/clients/").status_code == 200


def test_http_redirect_addresses_are_refused_and_the_form_keeps_what_was_typed(admin_client, ministry) -> None:
    response = admin_client.post(
        "/backoffice/oidc/clients/new/",
        {**FORM, "organisation": ministry.pk, "redirect_uris": "http://registry.example/callback"},
    )
    assert response.status_code == 400
    assert "Registry system" in response.content.decode()
    assert not AgencyClient.objects.exists()


def test_a_client_must_keep_the_openid_scope(admin_client, ministry) -> None:
    response = admin_client.post(
        "/backoffice/oidc/clients/new/", {**FORM, "organisation": ministry.pk, "allowed_scopes": ["profile"]}
    )
    assert response.status_code == 400
    assert not AgencyClient.objects.exists()


def test_citizens_and_staff_without_the_role_get_404(client, citizen, verified_officer_client, agency) -> None:
    client.force_login(citizen)
    assert client.get("/backoffice/oidc/clients/").status_code in (302, 404)
    assert verified_officer_client.get("/backoffice/oidc/clients/").status_code == 404
    detail = f"/backoffice/oidc/clients/{agency.agency_client.public_id}/"
    assert verified_officer_client.get(detail).status_code == 404
    assert verified_officer_client.post(f"{detail}archive/", {"reason": "x"}).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(db) -> None:
    response = Client().get("/backoffice/oidc/clients/")
    assert response.status_code == 302
    assert "/accounts/sign-in/" in response["Location"]


def test_update_reset_secret_and_switch_off(admin_client, agency) -> None:
    detail = f"/backoffice/oidc/clients/{agency.agency_client.public_id}/"
    response = admin_client.post(
        detail,
        {**FORM, "redirect_uris": "https://agency.example/callback\nhttps://agency.example/other"},
    )
    assert response.status_code == 302
    agency.agency_client.refresh_from_db()
    assert agency.agency_client.application.redirect_uris.split() == [
        "https://agency.example/callback",
        "https://agency.example/other",
    ]
    old_hash = agency.agency_client.application.client_secret
    assert admin_client.post(f"{detail}secret/").status_code == 302
    agency.agency_client.application.refresh_from_db()
    assert agency.agency_client.application.client_secret != old_hash
    assert admin_client.post(f"{detail}archive/", {"reason": ""}).status_code == 302
    agency.agency_client.refresh_from_db()
    assert not agency.agency_client.is_archived
    admin_client.post(f"{detail}archive/", {"reason": "Replaced by a new system"})
    agency.agency_client.refresh_from_db()
    assert agency.agency_client.is_archived


def test_an_identity_administrator_manages_only_the_clients_of_their_own_ministry_tree(
    admin_client, identity_admin, ministry, agency
) -> None:
    from conftest import OrganisationFactory
    from elaos.oidc import services

    department = OrganisationFactory(code="mine-dept", kind=Organisation.Kind.DEPARTMENT, parent=ministry)
    other_ministry = OrganisationFactory(code="other-ministry", name_en="Another ministry")
    superuser = type(identity_admin).objects.create_superuser(email="root@gov.la", password="a long password 1")
    theirs, _secret = services.agency_client_register(
        actor=superuser,
        organisation=other_ministry,
        name_lo="ລະບົບອື່ນ",
        name_en="Another ministry's system",
        redirect_uris=["https://other.example/callback"],
        post_logout_redirect_uris=[],
        allowed_scopes=["openid"],
    )

    listing = admin_client.get("/backoffice/oidc/clients/", headers={"accept-language": "en"}).content.decode()
    assert agency.agency_client.name_en in listing
    assert "Another ministry's system" not in listing
    assert admin_client.get(f"/backoffice/oidc/clients/{theirs.public_id}/").status_code == 404
    assert admin_client.post(f"/backoffice/oidc/clients/{theirs.public_id}/secret/").status_code == 404

    # The form offers the administrator's own tree only, and the service refuses any other organisation.
    form = admin_client.get("/backoffice/oidc/clients/new/").content.decode()
    assert f'value="{department.pk}"' in form
    assert f'value="{other_ministry.pk}"' not in form
    refused = admin_client.post("/backoffice/oidc/clients/new/", {**FORM, "organisation": other_ministry.pk})
    assert refused.status_code == 400
    assert not AgencyClient.objects.filter(organisation=other_ministry).exclude(pk=theirs.pk).exists()
    assert (
        admin_client.post("/backoffice/oidc/clients/new/", {**FORM, "organisation": department.pk}).status_code == 302
    )
