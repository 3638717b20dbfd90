"""`python -m elaos.documents.verify`: the published keys file is all it needs (no Django, no database)."""

import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from elaos.documents import verify
from elaos.documents.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def keys_file(client: Client, tmp_path: Path, document: Document) -> Path:
    path = tmp_path / "elaos-keys.json"
    path.write_bytes(client.get("/.well-known/elaos-keys.json").content)
    return path


@pytest.fixture
def pdf_file(document: Document, tmp_path: Path) -> Path:
    path = tmp_path / "document.pdf"
    with document.pdf.open("rb") as file:
        path.write_bytes(file.read())
    return path


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    """A fresh interpreter without Django settings or the keys directory: only the files given."""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "ELAOS_KEYS_DIR"}}
    env["PYTHONPATH"] = str(Path(settings.BASE_DIR).parent)
    env["ELAOS_KEYS_GENERATE"] = "0"
    return subprocess.run(
        [sys.executable, "-m", "elaos.documents.verify", *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_a_valid_code_and_its_pdf_in_a_separate_process(document: Document, keys_file: Path, pdf_file: Path) -> None:
    result = _run(document.payload, "--keys", str(keys_file), "--pdf", str(pdf_file))

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "ok"
    assert "holder: ສົມໃຈ ແສງສຸລິຍາ" in result.stdout
    assert "django" not in result.stderr.lower()


def test_a_tampered_pdf_in_a_separate_process(document: Document, keys_file: Path, pdf_file: Path) -> None:
    data = bytearray(pdf_file.read_bytes())
    data[len(data) // 2] ^= 0x01
    pdf_file.write_bytes(bytes(data))

    result = _run(document.payload, "--keys", str(keys_file), "--pdf", str(pdf_file))

    assert result.returncode == 1
    assert result.stdout.strip() == "pdf_mismatch"


def test_a_changed_code(document: Document, keys_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = document.payload.replace(".", ".x", 1)

    assert verify.main([code, "--keys", str(keys_file)]) == 1
    assert capsys.readouterr().out.strip() in {"bad_signature", "malformed"}


def test_the_verification_link(document: Document, keys_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert verify.main([f"https://e-laos.gov.la/verify/?c={document.payload}", "--keys", str(keys_file)]) == 0
    assert capsys.readouterr().out.startswith("ok\n")


def test_another_documents_pdf(
    document: Document,
    keys_file: Path,
    issue_document,
    other_citizen,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    other = issue_document(other_citizen)
    path = tmp_path / "other.pdf"
    with other.pdf.open("rb") as file:
        path.write_bytes(file.read())

    assert verify.main([document.payload, "--keys", str(keys_file), "--pdf", str(path)]) == 1


def test_an_unknown_key(document: Document, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"keys": []}))

    assert verify.main([document.payload, "--keys", str(empty)]) == 1
    assert capsys.readouterr().out.strip() == "unknown_key"


def test_keys_by_url(document: Document, keys_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = keys_file.read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/.well-known/elaos-keys.json"
        assert verify.main([document.payload, "--keys", url]) == 0
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_missing_keys_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert verify.main(["ELA1.x.y.z", "--keys", str(tmp_path / "nope.json")]) == 1
    assert "cannot read the keys" in capsys.readouterr().err


def test_the_offline_modules_do_not_import_django() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(Path(settings.BASE_DIR).parent)
    code = (
        "import sys; import elaos.documents.verify, elaos.documents.pades, elaos.documents.keys; "
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    )

    assert subprocess.run([sys.executable, "-c", code], env=env, timeout=60).returncode == 0
