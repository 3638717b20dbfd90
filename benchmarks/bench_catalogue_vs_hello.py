"""catalogue_vs_hello: requests/s of the public service catalogue (/services/, the 12 demo services loaded by
`load_demo`) against the bare hello view, both without cookies, like a first visit from a search engine.

The catalogue reads the database (services with their agencies, the agency, life event and category filters)
and renders a card per service; the ratio is what that costs against the cheapest Django page."""

from benchmarks.harness import prepared_site
from benchmarks.scenario import fixture, page_vs_hello

PATH = "/services/"
GOAL = 0.5


def run() -> list[dict[str, object]]:
    with prepared_site() as site:
        data = fixture(site, "citizen_pages")
        return [
            page_vs_hello(
                site=site,
                name="catalogue_vs_hello",
                path=PATH,
                goal=GOAL,
                # A link to a demo service: the catalogue is not an empty page.
                check=lambda body: b"/services/certificate-of-residence/" in body,
                queries=data["queries"]["catalogue"],
                peer_queries=data["queries"]["hello_anonymous"],
            )
        ]
