"""The public-page cache: anonymous visitors (and, where a view allows it, signed-in citizens) share a short-lived
copy with slots for each person's own links and CSRF token; staff never get one."""

import re

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from elaos.core.cache import public_page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


def counting_view(decorator=None):  # type: ignore[no-untyped-def]
    """A view that says how many times it was drawn, behind `decorator` (public_page(60) by default)."""
    calls = []

    def view(request):  # type: ignore[no-untyped-def]
        calls.append(1)
        return HttpResponse(f"render {len(calls)}")

    return (decorator or public_page(60))(view), calls


def as_user(user, path: str = "/page/"):  # type: ignore[no-untyped-def]
    request = RequestFactory().get(path)
    request.user = user
    return request


def anonymous(path: str = "/page/", **cookies: str):  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    request.COOKIES.update(cookies)
    return request


def test_anonymous_visitors_share_one_copy_per_url() -> None:
    view, calls = counting_view()
    assert view(anonymous()).content == b"render 1"
    assert view(anonymous()).content == b"render 1"
    assert view(anonymous("/page/?q=x")).content == b"render 2"
    assert len(calls) == 2


def test_signed_in_people_and_sessions_always_get_a_fresh_page(citizen) -> None:  # type: ignore[no-untyped-def]
    view, _calls = counting_view()
    view(anonymous())
    signed_in = RequestFactory().get("/page/")
    signed_in.user = citizen
    assert view(signed_in).content == b"render 2"
    assert view(anonymous(sessionid="abc")).content == b"render 3"
    assert view(anonymous(messages="x")).content == b"render 4"


def test_a_response_that_sets_a_cookie_is_never_stored() -> None:
    calls = []

    @public_page(60)
    def view(request):  # type: ignore[no-untyped-def]
        calls.append(1)
        response = HttpResponse("with a token")
        response.set_cookie("csrftoken", "x")
        return response

    view(anonymous())
    view(anonymous())
    assert len(calls) == 2


def test_each_language_has_its_own_copy() -> None:
    from django.utils import translation

    view, calls = counting_view()
    with translation.override("lo"):
        view(anonymous())
    with translation.override("en"):
        view(anonymous())
    assert len(calls) == 2


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=60)
def test_the_home_page_is_cached_for_anonymous_visitors_without_a_csrf_cookie(client) -> None:  # type: ignore[no-untyped-def]
    first = client.get("/")
    assert first.status_code == 200
    assert "csrftoken" not in first.cookies
    assert client.get("/").content == first.content


def test_a_versioned_page_is_kept_per_session_and_version() -> None:
    from django.contrib.sessions.backends.db import SessionStore

    from elaos.core.cache import versioned_page

    state = {"version": "1"}
    calls = []

    @versioned_page(lambda request: state["version"])
    def view(request):  # type: ignore[no-untyped-def]
        calls.append(1)
        return HttpResponse(f"render {len(calls)}")

    def signed_in(session: SessionStore):  # type: ignore[no-untyped-def]
        request = RequestFactory().get("/mine/")
        request.COOKIES["sessionid"] = session.session_key
        request.session = session
        return request

    alice, bob = SessionStore(), SessionStore()
    alice.create()
    bob.create()
    assert view(signed_in(alice)).content == b"render 1"
    assert view(signed_in(alice)).content == b"render 1"
    assert view(signed_in(bob)).content == b"render 2"
    state["version"] = "2"
    assert view(signed_in(alice)).content == b"render 3"
    assert view(signed_in(alice)).content == b"render 3"
    post = signed_in(alice)
    post.method = "POST"
    assert view(post).content == b"render 4"


def test_a_shared_versioned_page_is_kept_per_audience_and_version_and_never_for_staff(
    citizen, other_citizen, officer
) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import AnonymousUser

    from elaos.core.cache import versioned_page

    state = {"version": "1"}
    view, _calls = counting_view(versioned_page(lambda request: state["version"], shared=True))

    assert view(as_user(citizen)).content == b"render 1"
    assert view(as_user(other_citizen)).content == b"render 1"  # one copy for every citizen
    assert view(as_user(AnonymousUser())).content == b"render 2"  # another for anonymous visitors
    assert view(as_user(AnonymousUser())).content == b"render 2"
    assert view(as_user(officer)).content == b"render 3"  # staff: never kept
    assert view(as_user(officer)).content == b"render 4"
    state["version"] = "2"  # e.g. the document was revoked
    assert view(as_user(other_citizen)).content == b"render 5"
    assert view(as_user(citizen)).content == b"render 5"


def test_signed_in_citizens_share_a_copy_only_where_the_view_allows_it_and_staff_never(citizen, officer) -> None:  # type: ignore[no-untyped-def]
    view, _calls = counting_view(public_page(60, signed_in=True))

    assert view(as_user(citizen)).content == b"render 1"
    assert view(as_user(citizen)).content == b"render 1"
    assert view(anonymous()).content == b"render 2"  # anonymous visitors have a copy of their own
    assert view(as_user(officer)).content == b"render 3"
    assert view(as_user(officer)).content == b"render 4"


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=60)
def test_a_shared_service_page_carries_each_persons_own_links_and_a_working_csrf_token(
    citizen, other_citizen, officer, ministry, district_office
) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    from elaos.services.services import service_import
    from elaos.services.tests.test_views_citizen import residence_definition

    definition = residence_definition(agency=ministry.code, offices=[district_office.code])
    service = service_import(actor=None, definition=definition).service
    path = f"/services/{service.code}/"
    pages = {}
    for name, user in (("citizen", citizen), ("other", other_citizen), ("officer", officer)):
        client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        response = client.get(path)
        assert response.status_code == 200
        pages[name] = (client, response.content.decode())
    anonymous_page = Client(HTTP_ACCEPT_LANGUAGE="en").get(path).content.decode()

    for name in ("citizen", "other"):
        client, html = pages[name]
        assert "Sign out" in html
        assert "Sign in" not in html
        assert "Back office" not in html
        assert "elaos-csrf-slot" not in html
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        # The token on the shared page is this person's own: their Apply goes through the CSRF check.
        answer = client.post(f"{path}apply/", {"csrfmiddlewaretoken": token})
        assert answer.status_code == 302
        assert "/services/applications/" in answer["Location"]
    assert "Back office" in pages["officer"][1]
    assert "Sign in" in anonymous_page
    assert "Sign out" not in anonymous_page
    assert "You will be asked to sign in first" in anonymous_page
    assert "You will be asked to sign in first" not in pages["citizen"][1]


def test_a_flash_message_is_never_drawn_into_a_shared_copy(citizen) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.messages import get_messages
    from django.template import engines

    from elaos.core.cache import SHARED_DRAWING

    request = RequestFactory().get("/page/")
    request.user = citizen
    request.session = {}
    request._messages = type("Stored", (list,), {"used": False})(["a private note"])  # as FallbackStorage would
    setattr(request, SHARED_DRAWING, True)
    template = engines["django"].from_string("{% for m in messages %}{{ m }}{% endfor %}|{% csrf_token %}")
    html = template.render({}, request)
    assert "a private note" not in html
    assert 'value="elaos-csrf-slot"' in html
    assert list(get_messages(request)) == ["a private note"]


def test_a_page_drawn_with_the_visitors_real_csrf_token_is_never_shared() -> None:
    from django.middleware.csrf import get_token

    calls = []

    @public_page(60)
    def view(request):  # type: ignore[no-untyped-def]
        calls.append(1)
        return HttpResponse(f"render {len(calls)} {get_token(request)}")

    first, second = anonymous(), anonymous()
    assert view(first).content != view(second).content
    assert len(calls) == 2
    assert first.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
