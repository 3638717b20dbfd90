"""Error pages: in the visitor's language, the same bytes for everyone, and bad input never a server error."""

import pytest
from django.db.utils import DataError
from django.test import Client

pytestmark = pytest.mark.django_db

EN = {"accept-language": "en"}


def test_a_missing_page_is_explained_in_lao_by_default_and_in_english_on_request(client: Client) -> None:
    lao = client.get("/no-such-page/")
    assert lao.status_code == 404
    assert 'lang="lo"' in lao.content.decode()
    english = client.get("/no-such-page/", headers=EN)
    assert "Page not found" in english.content.decode()
    assert english.content != lao.content


def test_a_404_is_the_same_bytes_for_every_visitor_and_address(client: Client, citizen, other_citizen) -> None:  # type: ignore[no-untyped-def]
    anonymous = client.get("/services/applications/00000000-0000-0000-0000-000000000000/status/x", headers=EN)
    pages = []
    for user in (citizen, other_citizen):
        signed_in = Client()
        signed_in.force_login(user)
        for path in ("/no-such-page/", "/services/no-such-service/"):
            response = signed_in.get(path, headers=EN)
            assert response.status_code == 404
            pages.append(response.content)
    assert len(set(pages)) == 1
    assert anonymous.content == pages[0]
    assert b"csrfmiddlewaretoken" not in pages[0]


def test_a_form_sent_without_its_token_gets_the_expired_form_page(citizen) -> None:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    response = client.post("/accounts/sign-out/", headers=EN)
    assert response.status_code == 403
    assert "The form has expired" in response.content.decode()
    assert "reload the page" in response.content.decode()


def test_input_the_database_cannot_hold_is_a_400_page_not_a_server_error(client: Client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise DataError("A string literal cannot contain NUL (0x00) characters.")

    monkeypatch.setattr("elaos.civil_society.selectors.npa_register", refuse)
    response = client.get("/npas/?q=x", headers=EN)
    assert response.status_code == 400
    assert "This request could not be read" in response.content.decode()
