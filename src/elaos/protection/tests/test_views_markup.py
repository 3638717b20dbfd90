"""Markup checks of the pages (the browser test runs axe-core on them): one h1, every form control labelled, ids
unique, tables with a caption and scoped headers."""

from html.parser import HTMLParser

import pytest
from django.test import Client

from elaos.protection import services
from elaos.protection.tests.conftest import verified_client

pytestmark = pytest.mark.django_db


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.h1 = 0
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.controls: list[dict[str, str | None]] = []
        self.tables = self.captions = 0
        self.th_without_scope = 0
        self.open_labels = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"] or "")
        if tag == "h1":
            self.h1 += 1
        elif tag == "label":
            self.open_labels += 1
            if a.get("for"):
                self.label_for.add(a["for"] or "")
        elif tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.controls.append({**a, "_in_label": "1" if self.open_labels else None})
        elif tag == "table":
            self.tables += 1
        elif tag == "caption":
            self.captions += 1
        elif tag == "th" and not a.get("scope"):
            self.th_without_scope += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.open_labels -= 1


def check(html: str) -> None:
    page = Page()
    page.feed(html)
    assert page.h1 == 1
    assert len(page.ids) == len(set(page.ids)), "duplicate ids"
    for control in page.controls:
        labelled = control.get("id") in page.label_for or control["_in_label"] or control.get("aria-label")
        assert labelled, control
    assert page.tables == page.captions
    assert page.th_without_scope == 0


def test_pages_are_well_formed_for_assistive_technology(case, carol, dave, npa, npa_member) -> None:
    services.consent_record(
        actor=carol, case=case, purpose="referral", method="verbal", recipient_npa=npa.registration_number
    )
    referral = services.referral_create(
        actor=carol, case=case, service="shelter", details="x", to_npa=npa.registration_number
    )
    services.plan_item_add(actor=carol, case=case, goal="Home", action="Call")
    worker = verified_client(Client(), carol)
    for url in (
        "/backoffice/protection/",
        "/backoffice/protection/cases/new/",
        f"/backoffice/protection/cases/{case.public_id}/",
        "/backoffice/protection/break-glass/",
    ):
        response = worker.get(url)
        assert response.status_code == 200, url
        check(response.content.decode())
    check(worker.post("/backoffice/protection/cases/new/", {"given_name": "x"}).content.decode())
    supervisor = verified_client(Client(), dave)
    for url in (f"/backoffice/protection/cases/{case.public_id}/", "/backoffice/protection/export/"):
        check(supervisor.get(url).content.decode())
    member = Client()
    member.force_login(npa_member)
    check(member.get("/backoffice/protection/referrals/").content.decode())
    check(member.get(f"/backoffice/protection/referrals/{referral.public_id}/").content.decode())
