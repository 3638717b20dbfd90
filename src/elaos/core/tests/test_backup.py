"""`manage.py backup` and `manage.py restore` end to end, as an operator runs them: a site with the demo data is
backed up, restored into a NEW database, and the restored database has the same row count and content hash in
every table, and a valid audit chain. PostgreSQL when DATABASE_URL points to PostgreSQL, SQLite otherwise."""

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

MANAGE = [sys.executable, str(settings.PROJECT_DIR / "manage.py")]
FINGERPRINTS = (
    "import json; from elaos.core.backup import restored_fingerprints; print(json.dumps(restored_fingerprints()))"
)


def last_json_line(done: subprocess.CompletedProcess[str]) -> dict:
    return json.loads(done.stdout.strip().splitlines()[-1])


def _postgres() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _pg(url: str, sql: str) -> None:
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    subprocess.run(["psql", admin, "-qc", sql], check=True, capture_output=True)


@pytest.fixture
def databases(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two new, empty databases: the site's, and the one to restore into."""
    base = _postgres()
    if base is None:
        yield f"sqlite:///{tmp_path / 'site.sqlite3'}", f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    suffix = secrets.token_hex(4)
    parts = urlsplit(base)
    names = [f"elaos_backup_site_{suffix}", f"elaos_backup_restored_{suffix}"]
    for name in names:
        _pg(base, f'CREATE DATABASE "{name}"')
    try:
        yield tuple(urlunsplit(parts._replace(path=f"/{name}")) for name in names)  # type: ignore[misc]
    finally:
        for name in names:
            _pg(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(database_url: str, tmp_path: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "elaos.settings",
        "ELAOS_PRIVATE_MEDIA": str(tmp_path / "private-media"),
        "ELAOS_KEYS_DIR": str(tmp_path / "keys"),
        "LOG_LEVEL": "WARNING",
    }
    done = subprocess.run([*MANAGE, *args], env=env, capture_output=True, text=True, check=False)
    if check:
        assert done.returncode == 0, f"manage.py {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done


def test_backup_then_restore_into_a_new_database_is_identical(tmp_path: Path, databases: tuple[str, str]) -> None:
    site, restored = databases
    manage(site, tmp_path, "migrate", "--no-input", "-v", "0")
    manage(site, tmp_path, "load_demo")

    made = manage(site, tmp_path, "backup", "--directory", str(tmp_path / "backups"))
    backup_file = Path(made.stdout.split(" (")[0].strip())
    assert backup_file.parent == tmp_path / "backups"
    assert backup_file.exists()
    assert Path(f"{backup_file}.manifest.json").exists()
    assert backup_file.stat().st_mode & 0o077 == 0, "a backup holds personal data: readable by its owner only"

    done = manage(restored, tmp_path, "restore", str(backup_file))
    assert "identical to the backup" in done.stdout
    assert "audit chain valid" in done.stdout

    # Independently of the manifest: both databases, table by table.
    original = last_json_line(manage(site, tmp_path, "shell", "-c", FINGERPRINTS))
    copy = last_json_line(manage(restored, tmp_path, "shell", "-c", FINGERPRINTS))
    assert copy == original
    assert original["core_auditevent"]["rows"] > 0
    assert sum(t["rows"] for t in original.values()) > 100, "the demo data should fill the site"
    verified = manage(restored, tmp_path, "audit_verify")
    assert f"audit chain valid: {original['core_auditevent']['rows']} rows" in verified.stdout

    # A database that is not empty is not overwritten by mistake.
    again = manage(restored, tmp_path, "restore", str(backup_file), check=False)
    assert again.returncode != 0
    assert "is not empty" in again.stderr


def test_a_damaged_backup_is_refused(tmp_path: Path, databases: tuple[str, str]) -> None:
    site, restored = databases
    manage(site, tmp_path, "migrate", "--no-input", "-v", "0")
    made = manage(site, tmp_path, "backup", "--directory", str(tmp_path / "backups"))
    backup_file = Path(made.stdout.split(" (")[0].strip())
    with backup_file.open("r+b") as handle:
        handle.seek(backup_file.stat().st_size // 2)
        handle.write(b"\x00garbage\x00")

    done = manage(restored, tmp_path, "restore", str(backup_file), check=False)

    assert done.returncode != 0
    assert "does not match its manifest" in done.stderr
