"""Verify an e-Laos document code without the e-Laos server (no Django, no database).

    python -m elaos.documents.verify CODE_OR_URL [--keys keys.json | --keys https://host/.well-known/elaos-keys.json]
                                     [--pdf document.pdf]

The keys file is /.well-known/elaos-keys.json saved from any e-Laos site (default: ./elaos-keys.json). With
--pdf, the PDF's signature is checked against the CA certificate in that file and the PDF must carry this
very code. Exit status 0 when valid, 1 otherwise; the reason code is printed either way. Revocation is only
known online: a valid result here means "genuine", not "still in force".
"""

import argparse
import json
import sys
import urllib.request
from pathlib import Path
from typing import Any

from elaos.documents import payload
from elaos.documents.payload import Reason


def load_published_keys(source: str) -> dict[str, Any]:
    if source.startswith(("https://", "http://")):
        with urllib.request.urlopen(source, timeout=20) as response:  # noqa: S310 (scheme checked above)
            return json.load(response)
    return json.loads(Path(source).read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m elaos.documents.verify", description=__doc__.splitlines()[0])
    parser.add_argument("code", help="the code from the QR, or the /verify/?c=… link it holds")
    parser.add_argument("--keys", default="elaos-keys.json", help="published keys file or URL")
    parser.add_argument("--pdf", type=Path, help="also check that this PDF is the signed file carrying the code")
    args = parser.parse_args(argv)

    try:
        published = load_published_keys(args.keys)
        public_keys = payload.public_keys_from_published(published)
    except (OSError, ValueError, KeyError) as error:
        print(f"error: cannot read the keys from {args.keys}: {error}", file=sys.stderr)
        return 1
    code = payload.extract_code(args.code)
    result = payload.verify_payload(code, public_keys)
    reason = result.reason
    if result.valid and args.pdf is not None:
        from elaos.documents import pades

        check = pades.check_pdf(args.pdf.read_bytes(), ca_certificate_pem=published.get("ca_certificate_pem", ""))
        if not check.matches(code):
            reason = Reason.PDF_MISMATCH
    print(reason)
    if reason == Reason.OK and result.record is not None:
        for field, value in result.record.items():
            print(f"  {field}: {value}")
    return 0 if reason == Reason.OK else 1


if __name__ == "__main__":
    sys.exit(main())
