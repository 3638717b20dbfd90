"""verify_vs_hello: requests/s of the public verification page (/verify/?c=<code>, what a phone opens from the
QR code of an issued document) for a valid document, against the bare hello view, both without cookies.

The document is the certificate of residence issued when the benchmark's application was approved (the
workflow's generate_document action: document_issue with services/documents/certificate.html). The page checks
the code's Ed25519 signature against the published keys, finds the document and says it is valid."""

from benchmarks.harness import prepared_site
from benchmarks.scenario import fixture, page_vs_hello

GOAL = 0.5


def run() -> list[dict[str, object]]:
    with prepared_site() as site:
        data = fixture(site, "citizen_pages")
        return [
            page_vs_hello(
                site=site,
                name="verify_vs_hello",
                path=data["verify_path"],
                goal=GOAL,
                # A result, and not the "not a valid document" one.
                check=lambda body: b'id="result-title"' in body and b"message-error" not in body,
                queries=data["queries"]["verify"],
                peer_queries=data["queries"]["hello_anonymous"],
            )
        ]
