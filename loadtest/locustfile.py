"""e-Laos under load: citizens, officers and the public, as loadtest/run.py sets them up (see README.md).

Every virtual user waits 3–7 s (5 s on average) between actions, as a person reads a page. The data (session
cookies, paths, form values) comes from loadtest.fixtures through the file named by LOAD_DATA; nobody signs in
during the run, since sign-in is rate-limited by design. Requests are named by route, not by full path, so the
statistics group e.g. every NPA profile under one line."""

import html
import itertools
import json
import os
import random
import re
import secrets
from http.cookiejar import Cookie
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

DATA: dict[str, Any] = json.loads(Path(os.environ["LOAD_DATA"]).read_text())
TINY_PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
TINY_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
APPLICATION_LINK = re.compile(r'href="(/backoffice/services/applications/[0-9a-f-]{36}/)"')
VERSION = re.compile(r'name="([a-z_]+)-expected_version" value="(\d+)"')
THINK = between(3, 7)
# Which page, search or application a virtual user picks: no secret, plain pseudo-randomness is right here.
choose = random.choice

_citizens = itertools.count()
_officers = itertools.count()


def _cookie(name: str, value: str, host: str) -> Cookie:
    return Cookie(
        version=0,
        name=name,
        value=value,
        port=None,
        port_specified=False,
        domain=host,
        domain_specified=False,
        domain_initial_dot=False,
        path="/",
        path_specified=True,
        secure=False,
        expires=None,
        discard=True,
        comment=None,
        comment_url=None,
        rest={},
    )


def _csrf(body: str) -> str:
    match = CSRF.search(body)
    return html.unescape(match.group(1)) if match else ""


def _multipart(fields: dict[str, str], files: list[tuple[str, str, str, bytes]]) -> tuple[str, bytes]:
    boundary = "----elaos-load-" + secrets.token_hex(8)
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, filename, content_type, content in files:
        head = (
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="{name}"; filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    return f"multipart/form-data; boundary={boundary}", b"".join(parts) + f"--{boundary}--\r\n".encode()


def _files() -> list[tuple[str, str, str, bytes]]:
    return [
        (field, name, ctype, TINY_PDF if ctype == "application/pdf" else TINY_PNG)
        for field, name, ctype in DATA["files"]
    ]


class _Visitor(FastHttpUser):
    abstract = True
    wait_time = THINK
    # A form's POST is sent without following its redirect: the 302 is measured on its own and the page it leads
    # to is the next request, as each shows in the server's log. Static files are not asked for: browsers keep
    # them (the page-weight test checks that a next page fetches none).
    default_headers = {"Accept-Language": "lo", "Accept-Encoding": "gzip, br"}

    def sign(self, session: str) -> None:
        host = urlparse(self.host).hostname or "127.0.0.1"
        self.client.cookiejar.set_cookie(_cookie("sessionid", session, host))

    def page(self, path: str, name: str, **kwargs: Any) -> Any:
        return self.client.get(path, name=name, **kwargs)

    def post_form(self, path: str, name: str, fields: dict[str, str], token: str, expect: tuple[int, ...]) -> Any:
        body = "&".join(f"{quote(k)}={quote(v)}" for k, v in {**fields, "csrfmiddlewaretoken": token}.items())
        with self.client.post(
            path,
            data=body,
            name=name,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": self.host + path},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code in expect:
                response.success()
            else:
                response.failure(f"{response.status_code} (expected {expect})")
            return response

    def links(self, key: str) -> list[str]:
        return DATA["links"].get(key) or []


class Citizen(_Visitor):
    """A signed-in citizen: reads the catalogue, searches, applies (start, save, submit with the documents),
    follows an application's status and verifies a document's QR code."""

    weight = 12

    def on_start(self) -> None:
        me = DATA["citizens"][next(_citizens) % len(DATA["citizens"])]
        self.sign(me["session"])
        self.status = me["status"]

    @task(4)
    def catalogue(self) -> None:
        self.page("/services/", "catalogue")

    @task(3)
    def search(self) -> None:
        self.page(f"/services/?q={quote(choose(DATA['searches']))}", "catalogue search")

    @task(2)
    def service(self) -> None:
        if services := self.links("services"):
            self.page(choose(services), "service page")

    @task(3)
    def status(self) -> None:
        if self.status:
            self.page(self.status, "application status")
        else:
            self.page("/services/my/", "my applications")

    @task(1)
    def my_applications(self) -> None:
        self.page("/services/my/", "my applications")

    @task(2)
    def verify(self) -> None:
        self.page(f"/verify/?c={quote(DATA['verify_payload'], safe='')}", "verify QR")

    @task(1)
    def apply(self) -> None:
        service_path = f"/services/{DATA['service']}/"
        response = self.page(service_path, "service page")
        token = _csrf(response.text or "")
        if not token:
            return
        started = self.post_form(f"{service_path}apply/", "apply: start", {}, token, (302,))
        edit = started.headers.get("Location", "") if started.status_code == 302 else ""
        if "/services/applications/" not in edit:
            return
        edit = urlparse(edit).path
        self.wait()
        response = self.page(edit, "apply: form")
        token = _csrf(response.text or "") or token
        self.post_form(edit, "apply: save", {**DATA["form"], "action": "save"}, token, (302,))
        self.wait()
        content_type, body = _multipart({**DATA["form"], "action": "submit", "csrfmiddlewaretoken": token}, _files())
        with self.client.post(
            edit,
            data=body,
            name="apply: submit",
            headers={"Content-Type": content_type, "Referer": self.host + edit},
            allow_redirects=False,
            catch_response=True,
        ) as sent:
            if sent.status_code == 302 and "/status/" in sent.headers.get("Location", ""):
                sent.success()
                self.status = urlparse(sent.headers["Location"]).path
            else:
                sent.failure(f"submit answered {sent.status_code}")
                return
        self.page(self.status, "application status")


class Public(_Visitor):
    """An anonymous visitor: the NPA register, the Glass Accounts pages, the migration agency check."""

    weight = 7

    @task(2)
    def home(self) -> None:
        self.page("/", "home")

    @task(3)
    def npa_register(self) -> None:
        self.page("/npas/", "NPA register")

    @task(1)
    def npa_search(self) -> None:
        self.page(f"/npas/?q={quote(choose(['ສະມາຄົມ', 'health', 'ກະສິກຳ']))}", "NPA register search")

    @task(2)
    def npa_profile(self) -> None:
        if profiles := self.links("npa_profiles"):
            self.page(choose(profiles), "NPA profile")

    @task(3)
    def budget(self) -> None:
        self.page("/budget/", "budget overview")

    @task(2)
    def budget_payments(self) -> None:
        self.page("/budget/payments/", "budget payments")

    @task(1)
    def budget_agency(self) -> None:
        if agencies := self.links("budget_agencies"):
            self.page(choose(agencies), "budget agency")

    @task(1)
    def budget_payment(self) -> None:
        if payments := self.links("budget_payments"):
            self.page(choose(payments), "budget payment")

    @task(1)
    def budget_flags(self) -> None:
        self.page("/budget/flags/", "budget red flags")

    @task(2)
    def migration_agencies(self) -> None:
        self.page("/migration/agencies/", "migration agency register")

    @task(2)
    def migration_agency(self) -> None:
        if agencies := self.links("migration_agencies"):
            self.page(choose(agencies), "migration agency check")

    @task(1)
    def consultation(self) -> None:
        if consultations := self.links("consultations"):
            self.page(choose(consultations), "consultation")


class Officer(_Visitor):
    """An officer of the office the citizens' applications go to, signed in with the second factor passed: reads
    the queue, opens an application, starts its review and approves it (which issues the signed PDF). One
    officer per hundred users (LOAD_OFFICER_USERS overrides): a district office's staff, not a crowd."""

    fixed_count = int(os.environ.get("LOAD_OFFICER_USERS") or max(1, int(os.environ.get("LOAD_USERS") or 1000) // 100))

    def on_start(self) -> None:
        self.sign(DATA["officers"][next(_officers) % len(DATA["officers"])])

    @task(3)
    def queue(self) -> None:
        self.page("/backoffice/services/queue/", "queue")

    @task(2)
    def decide(self) -> None:
        response = self.page("/backoffice/services/queue/", "queue")
        links = list(dict.fromkeys(APPLICATION_LINK.findall(response.text or "")))
        if not links:
            return
        path = choose(links)
        for move in ("start_review", "approve"):
            self.wait()
            response = self.page(path, "application (back office)")
            versions = dict(VERSION.findall(response.text or ""))
            token = _csrf(response.text or "")
            if move not in versions or not token:
                return  # another officer moved it first, or it is not at this step
            fields = {
                "action": "transition",
                "transition": move,
                f"{move}-expected_version": versions[move],
                f"{move}-reason": "ກວດແລ້ວ ຖືກຕ້ອງ / Checked, all in order.",
            }
            # 409: another officer decided the same application a moment before (the page says so); expected
            # with many officers on one queue, and not an error.
            self.post_form(path, f"decide: {move}", fields, token, (302, 409))
