"""application_status_vs_hello: requests/s of a signed-in citizen's application status page against the bare
hello view, both sent with the citizen's session cookie.

The application is a certificate of residence that went the whole way (submitted, reviewed, approved, its signed
PDF issued), so the page shows the longest timeline and the document. The peer never reads the session, so the
ratio includes the signed-in costs of the page: the session and user rows, the application with its workflow
and history, the transitions the citizen may make."""

from benchmarks.harness import prepared_site
from benchmarks.scenario import fixture, page_vs_hello

GOAL = 0.5


def run() -> list[dict[str, object]]:
    with prepared_site() as site:
        data = fixture(site, "citizen_pages")
        reference = data["reference"].encode()
        return [
            page_vs_hello(
                site=site,
                name="application_status_vs_hello",
                path=data["status_path"],
                goal=GOAL,
                headers={"Cookie": f"sessionid={data['session']}"},
                # The citizen's own application, not a sign-in page.
                check=lambda body: reference in body,
                queries=data["queries"]["status"],
                peer_queries=data["queries"]["hello"],
            )
        ]
