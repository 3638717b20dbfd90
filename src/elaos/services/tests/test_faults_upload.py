"""A full disk while a citizen uploads a document: a clear error next to the file input, in Lao and English, and
nothing half-written (no file, no row)."""

import errno
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import filesystem as filesystem_storage
from django.test import Client

from elaos.accounts.models import User
from elaos.agencies.models import Organisation
from elaos.services import services
from elaos.services.models import Application, ApplicationFile, Service
from elaos.services.tests.test_views_citizen import PDF, VALID, edit_url, error_of, pdf, residence_definition

pytestmark = pytest.mark.django_db

# A PDF bigger than one write chunk, so that the disk fills up in the middle of the file.
BIG_PDF = PDF + b"%" + b"x" * 200_000


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The storage's file writes fail with ENOSPC after the first 10 kB have reached the disk."""
    written: list[str] = []
    real_fdopen = os.fdopen

    class FillingFile:
        def __init__(self, file: Any) -> None:
            self.file, self.size = file, 0

        def write(self, data: bytes) -> int:
            room = 10_000 - self.size
            if len(data) > room:
                self.file.write(data[: max(room, 0)])
                self.file.flush()
                written.append(self.file.name)
                raise OSError(errno.ENOSPC, "No space left on device")
            self.size += len(data)
            return self.file.write(data)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.file, name)

    monkeypatch.setattr(filesystem_storage.os, "fdopen", lambda *a, **k: FillingFile(real_fdopen(*a, **k)))
    return written


@pytest.fixture
def draft(ministry: Organisation, district_office: Organisation, citizen: User) -> Application:
    definition = residence_definition(agency=ministry.code, offices=[district_office.code])
    definition["documents"][0]["max_mb"] = 1
    service: Service = services.service_import(actor=None, definition=definition).service
    return services.application_create(applicant=citizen, service=service)


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "The file could not be saved: the server is out of space. Nothing was saved; try again later."),
        ("lo", None),
    ],
)
def test_a_full_disk_on_upload_is_a_clear_error_and_leaves_nothing(
    client: Client,
    citizen: User,
    draft: Application,
    storage_root: Path,
    full_disk: list[str],
    language: str,
    expected: str | None,
) -> None:
    client.force_login(citizen)

    response = client.post(
        edit_url(draft),
        {**VALID, "document-id_card": pdf(content=BIG_PDF), "action": "save"},
        headers={"accept-language": language},
    )

    assert full_disk, "the write never reached the simulated full disk"
    assert response.status_code == 400
    html = response.content.decode()
    message = error_of(html, "id_document-id_card")
    if expected:
        assert expected in message
    else:
        assert message.strip()  # the Lao catalogue's words, or the English text until it is translated
    assert "Traceback" not in html
    assert not ApplicationFile.objects.exists()
    assert files_under(storage_root) == []
    # What was typed is kept: the draft's answers were saved before the file.
    draft.refresh_from_db()
    assert draft.data["address"] == VALID["address"]


def test_the_same_upload_goes_through_once_there_is_room_again(
    client: Client, citizen: User, draft: Application, storage_root: Path
) -> None:
    client.force_login(citizen)

    response = client.post(edit_url(draft), {**VALID, "document-id_card": pdf(content=BIG_PDF), "action": "save"})

    assert response.status_code == 302
    [stored] = ApplicationFile.objects.all()
    assert [p.name for p in files_under(storage_root)] == [Path(stored.file.name).name]
    assert stored.file.read() == BIG_PDF


def test_a_failed_row_removes_the_written_file(
    citizen: User, draft: Application, storage_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_audit(**kwargs: Any) -> None:
        raise RuntimeError("the audit chain refused the row")

    monkeypatch.setattr(services, "audit_record", no_audit)

    with pytest.raises(RuntimeError, match="audit"):
        services.application_upload(actor=citizen, application=draft, requirement="id_card", upload=pdf())

    assert not ApplicationFile.objects.exists()
    assert files_under(storage_root) == []
