"""The public-page cache: anonymous visitors share a short-lived copy; nobody else ever gets one."""

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


def counting_view():  # type: ignore[no-untyped-def]
    calls = []

    @public_page(60)
    def view(request):  # type: ignore[no-untyped-def]
        calls.append(1)
        return HttpResponse(f"render {len(calls)}")

    return view, calls


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
