from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage

from elaos.services.models import ApplicationFile


@pytest.fixture
def storage_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Applications' files go to a directory of the test's own, which the test can list."""
    root = tmp_path / "private"
    monkeypatch.setattr(ApplicationFile._meta.get_field("file"), "storage", FileSystemStorage(location=root))
    return root
