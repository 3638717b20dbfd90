"""axe-core (WCAG 2.2 AA) on every public page and on the main staff pages, on a desktop and a phone screen.

The public pages are not listed by hand: they come from the URL configuration. Every GET route without path
parameters that answers an anonymous visitor with an HTML page is audited; then, for each route with path
parameters, one object page reached by following the links of the public pages (as a visitor would), with the
demo data (elaos.demo.data.load_demo) and a small Glass Accounts data set when the budget app has its generator.
A new app's pages are therefore picked up as soon as its URLs are mounted and its demo data is loaded.

Staff pages are signed in with a session whose second factor is already verified (as django_otp.login leaves it),
so that the test spends its time on the pages, not on sign-in forms (which test_accessibility.py audits)."""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.storage import FileSystemStorage
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RoutePattern

from conftest import confirmed_totp, staff_with_role
from elaos.agencies.models import Organisation, RoleAssignment
from elaos.demo.data import load_demo
from elaos.services.models import ApplicationFile

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE_CONTEXT = {"bypass_csp": True}
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}
# Not e-Laos pages: machine interfaces (JSON API and its generated docs, OAuth/OpenID endpoints, GovStack API)
# and Django's own admin. Their contracts are tested elsewhere.
NOT_PAGES = ("api/v1/", "admin/", "govstack/", "o/", ".well-known/")
# Links are followed this many steps away from the parameterless public pages.
CRAWL_DEPTH = 3
SOURCES_PER_ROUTE = 4
HREF = re.compile(r'href="(/[^"#?]*)[^"]*"')


# --- the public pages, from the URL configuration ------------------------------------------------------------


@dataclass
class Route:
    route: str  # "npas/<str:registration_number>/"
    name: str  # "npas:profile"
    parameters: bool


def routes(patterns: list[Any] | None = None, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    """Every route of the URL configuration with its full path pattern; regex routes (only OpenID discovery) are
    left out."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = ":".join(filter(None, [namespace, entry.namespace]))
            yield from routes(entry.url_patterns, route, ns)
        elif isinstance(entry, URLPattern):
            yield Route(route, ":".join(filter(None, [namespace, entry.name or ""])), "<" in route)


def is_html_page(response: Any) -> bool:
    """A whole HTML page (an htmx fragment is audited within the page that loads it)."""
    return (
        response.status_code == 200
        and response.get("Content-Type", "").startswith("text/html")
        and b"<html" in response.content[:500]
    )


@dataclass
class PublicPages:
    pages: dict[str, str] = field(default_factory=dict)  # route -> path audited
    not_public: dict[str, str] = field(default_factory=dict)  # parameterless route -> why it is not audited
    unreached: list[str] = field(default_factory=list)  # parameterised routes no public link led to


def public_pages() -> PublicPages:
    """The parameterless public pages, then one page per parameterised route found by following their links."""
    client = Client()  # anonymous, in this process: quicker than the browser for finding pages
    found = PublicPages()
    all_routes = [r for r in routes() if not r.route.startswith(NOT_PAGES)]
    for r in all_routes:
        if r.parameters:
            continue
        path = "/" + r.route
        response = client.get(path)
        if is_html_page(response):
            found.pages[r.route] = path
        else:
            found.not_public[r.route] = f"{response.status_code} {response.get('Content-Type', '')}".strip()

    # Follow links breadth first. Each parameterised route is audited once (its first page found), but up to
    # SOURCES_PER_ROUTE of its pages are read for links: the first consultation may be an open one, and only a
    # closed one links to its diff.
    frontier = list(found.pages.values())
    read: dict[str, int] = {}
    seen = set(frontier)
    for _step in range(CRAWL_DEPTH):
        next_frontier = []
        for source in frontier:
            response = client.get(source)
            for href in dict.fromkeys(HREF.findall(response.content.decode(errors="replace"))):
                if href in seen:
                    continue
                seen.add(href)
                try:
                    match = resolve(href)
                except Resolver404:
                    continue
                if match.route.startswith(NOT_PAGES) or "<" not in match.route:
                    continue
                if read.get(match.route, 0) >= SOURCES_PER_ROUTE or not is_html_page(client.get(href)):
                    continue
                read[match.route] = read.get(match.route, 0) + 1
                found.pages.setdefault(match.route, href)
                next_frontier.append(href)
        frontier = next_frontier
    found.unreached = sorted(r.route for r in all_routes if r.parameters and r.route not in found.pages)
    return found


# --- data ----------------------------------------------------------------------------------------------------


def budget_data() -> None:
    """A small Glass Accounts data set through the budget app's own generator (when it has one and the demo data
    brought none), so that the budget's object pages (agencies, lines, contracts, payments, payees, flags) have
    something to show."""
    try:
        from elaos.budget.generator import generate
        from elaos.budget.models import Transaction
    except ImportError:
        return
    if not Transaction.objects.exists():  # the demo data may bring them already
        generate(transactions=400, provinces=3, planted=1, log=lambda _message: None)


def submitted_application() -> Any:
    """A residence certificate application sent by a demo citizen: the services queue's first row."""
    from benchmarks.fixtures import SERVICE, _filled_draft
    from elaos.accounts.models import User
    from elaos.services import services
    from elaos.services.models import Service

    citizen = User.objects.get(phone="+8562055550101")
    draft = _filled_draft(citizen, Service.objects.get(code=SERVICE))
    return services.application_submit(actor=citizen, application=draft)


@pytest.fixture
def demo(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(
        ApplicationFile._meta.get_field("file"), "storage", FileSystemStorage(location=tmp_path / "uploads")
    )
    load_demo()
    budget_data()


# --- staff ---------------------------------------------------------------------------------------------------


def staff_session(user: Any) -> str:
    """A session for `user` with the second factor passed, as django_otp.login leaves it; the cookie value."""
    from django_otp import DEVICE_ID_SESSION_KEY

    device = user.totpdevice_set.filter(confirmed=True).first() or confirmed_totp(user)
    client = Client()
    client.force_login(user, backend="elaos.accounts.backends.EmailPasswordBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return session.session_key


def holder(roles: tuple[str, ...], office: str | None = None) -> Any:
    """A demo staff member holding one of `roles` (in `office` when given); else a new one in that office."""
    assignments = RoleAssignment.objects.filter(role__code__in=roles, user__is_staff=True, user__is_active=True)
    if office:
        assignments = assignments.filter(organisation__code=office)
    found = assignments.select_related("user").order_by("pk").first()
    if found:
        return found.user
    return staff_with_role(roles[0], Organisation.objects.get(code=office)) if office else None


def focal_office_staff(sector: str) -> Any:
    """A staff member of the sector group's focal office (who runs the group: any role there)."""
    from elaos.coordination.models import SectorGroup

    group = SectorGroup.objects.filter(sector__code=sector).select_related("focal_office").first()
    if group is None:
        return None
    return holder(("office_admin", "approver", "reviewer"), group.focal_office.code)


def first_link(session: str, path: str, url_name: str) -> str | None:
    """The first link on the page at `path`, seen with `session`, that leads to the route named `url_name`."""
    client = Client()
    client.cookies["sessionid"] = session
    response = client.get(path)
    if response.status_code != 200:
        return None
    for href in dict.fromkeys(HREF.findall(response.content.decode(errors="replace"))):
        try:
            if resolve(href).view_name == url_name:
                return href
        except Resolver404:
            continue
    return None


@dataclass
class StaffPage:
    label: str
    who: Callable[[], Any]
    path: str
    # (route name) when the page to audit is the first object linked from `path`
    follow: str | None = None


STAFF_PAGES = [
    StaffPage("services queue", lambda: holder(("reviewer",), "moha-vte-chanthabouly"), "/backoffice/services/queue/"),
    StaffPage(
        "services application",
        lambda: holder(("reviewer",), "moha-vte-chanthabouly"),
        "/backoffice/services/queue/",
        "services_bo:bo_application",
    ),
    StaffPage("back office", lambda: holder(("reviewer",), "moha-vte-chanthabouly"), "/backoffice/"),
    StaffPage("service definitions", lambda: holder(("office_admin",), "mtc"), "/backoffice/services/catalogue/"),
    StaffPage("NPA project queue (registrar)", lambda: holder(("approver",), "moha-npa"), "/npas/projects/queue/"),
    StaffPage("NPA profile (registrar)", lambda: holder(("approver",), "moha-npa"), "/npas/", "npas:profile"),
    StaffPage("coordination management", lambda: holder(("office_admin",), "moha"), "/coordination/manage/"),
    StaffPage(
        "sector group management",
        lambda: focal_office_staff("health"),
        "/coordination/groups/health/",
        "coordination:group_manage",
    ),
    StaffPage(
        "annual meeting management",
        lambda: holder(("office_admin",), "moha"),
        "/coordination/manage/",
        "coordination:meeting_manage",
    ),
    StaffPage("budget publishing", lambda: holder(("office_admin",), "mof-budget"), "/budget/publish/"),
    StaffPage(
        "budget publishing (agency)",
        lambda: holder(("office_admin",), "mof-budget"),
        "/budget/publish/",
        "budget:publish_agency",
    ),
    StaffPage(
        "migration back office", lambda: holder(("migration_officer", "migration_supervisor")), "/migration/backoffice/"
    ),
    StaffPage(
        "migration records",
        lambda: holder(("migration_officer", "migration_supervisor")),
        "/migration/backoffice/migrants/",
    ),
    StaffPage(
        "migration record",
        lambda: holder(("migration_officer", "migration_supervisor")),
        "/migration/backoffice/migrants/",
        "migration:bo_migrant",
    ),
    StaffPage("protection cases", lambda: holder(("case_supervisor", "case_worker")), "/backoffice/protection/"),
]


def audit(axe, page, label: str) -> None:  # type: ignore[no-untyped-def]
    for name, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        axe(page, f"{label} ({name})")


# --- the tests -----------------------------------------------------------------------------------------------


def test_every_public_page_has_no_axe_violations(browsing, demo, axe) -> None:  # type: ignore[no-untyped-def]
    found = public_pages()
    print(f"\n{len(found.pages)} public pages audited:")
    for route, path in sorted(found.pages.items()):
        print(f"  {path}  ({route})")
    print("parameterless routes that are not public HTML pages (sign-in, POST only, files):")
    for route, why in sorted(found.not_public.items()):
        print(f"  /{route}: {why}")
    print("parameterised routes no public link leads to (private, POST only or no demo object):")
    for route in found.unreached:
        print(f"  /{route}")
    # The crawl must have found the object pages the demo data has: a sign that it still follows links.
    for route in ("npas/<str:registration_number>/", "services/<slug:code>/", "consultations/<slug:slug>/"):
        assert route in found.pages, f"no public link led to {route}"

    page = browsing.page(**AXE_CONTEXT)
    for route, path in sorted(found.pages.items()):
        response = page.goto(path)
        assert response is not None
        assert response.ok, f"{path}: {response.status}"
        assert page.url.startswith(browsing.base_url + path), f"{path} led to {page.url}"
        audit(axe, page, f"/{route}")
    axe.assert_clean()


def test_main_staff_pages_have_no_axe_violations(browsing, demo, axe) -> None:  # type: ignore[no-untyped-def]
    submitted_application()
    page = browsing.page(**AXE_CONTEXT)
    missing, audited = [], []
    for spec in STAFF_PAGES:
        user = spec.who()
        if user is None:
            missing.append(f"{spec.label}: no staff member with the role in the demo data")
            continue
        session = staff_session(user)
        path = first_link(session, spec.path, spec.follow) if spec.follow else spec.path
        if path is None:
            missing.append(f"{spec.label}: no link to {spec.follow} on {spec.path}")
            continue
        page.context.clear_cookies()
        page.context.add_cookies([{"name": "sessionid", "value": session, "url": browsing.base_url}])
        response = page.goto(path)
        assert response is not None
        if not response.ok or not page.url.startswith(browsing.base_url + path):
            missing.append(f"{spec.label}: {path} answered {response.status} at {page.url} for {user.email}")
            continue
        audited.append(f"{spec.label}: {path} ({user.email})")
        audit(axe, page, spec.label)
    print("\nstaff pages audited:\n  " + "\n  ".join(audited))
    assert not missing, "staff pages not audited:\n" + "\n".join(missing)
    axe.assert_clean()
