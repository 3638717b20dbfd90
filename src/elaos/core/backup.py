"""Backups of the whole database and their restore, with a manifest to prove a restore complete.

PostgreSQL: `pg_dump -Fc` inside a REPEATABLE READ transaction whose snapshot is exported to pg_dump, so the dump and
the manifest (row count and SHA-256 of the content of every table) describe the same instant; `pg_restore` into an
empty database. SQLite: the online backup API (consistent while the site is writing), and the manifest read from
the copy. A restore compares the restored database with the manifest, then walks the audit chain."""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction

MANIFEST_SUFFIX = ".manifest.json"


class BackupError(Exception):
    pass


def _canonical(value: Any) -> Any:
    if isinstance(value, memoryview | bytes | bytearray):
        return bytes(value).hex()
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def _table_fingerprint(cursor: Any, quote: Any, table: str, order_by: str) -> dict[str, Any]:
    cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {order_by}")  # noqa: S608 - names from introspection
    digest, rows = hashlib.sha256(), 0
    while batch := cursor.fetchmany(2000):
        for row in batch:
            digest.update(json.dumps(list(row), default=_canonical, ensure_ascii=False).encode())
            digest.update(b"\n")
            rows += 1
    return {"rows": rows, "sha256": digest.hexdigest()}


def fingerprints(conn: Any = None) -> dict[str, dict[str, Any]]:
    """Row count and content hash of every table of `conn` (Django's default connection unless given), in a
    stable order: by primary key, else by every column."""
    conn = conn or connection
    quote = conn.ops.quote_name
    result = {}
    with conn.cursor() as cursor:
        for table in sorted(conn.introspection.table_names(cursor, include_views=False)):
            columns = [c.name for c in conn.introspection.get_table_description(cursor, table)]
            primary_key = conn.introspection.get_primary_key_column(cursor, table)
            keys = [primary_key] if primary_key else columns
            order_by = ", ".join(quote(c) for c in keys)
            result[table] = _table_fingerprint(cursor, quote, table, order_by)
    return result


def _sqlite_fingerprints(path: Path) -> dict[str, dict[str, Any]]:
    db = sqlite3.connect(path)
    try:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        result = {}
        cursor = db.cursor()
        for table in names:
            if table.startswith("sqlite_"):
                continue
            info = list(db.execute(f'PRAGMA table_info("{table}")'))
            keys = [r[1] for r in info if r[5]] or [r[1] for r in info]
            order_by = ", ".join(f'"{c}"' for c in keys)
            result[table] = _table_fingerprint(cursor, lambda n: f'"{n}"', table, order_by)
        return result
    finally:
        db.close()


def _database() -> dict[str, Any]:
    return settings.DATABASES["default"]


def engine() -> str:
    vendor = connection.vendor
    if vendor not in {"postgresql", "sqlite"}:
        raise BackupError(f"backups of {vendor} databases are not supported")
    return vendor


def _pg_env() -> dict[str, str]:
    db = _database()
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args() -> list[str]:
    db = _database()
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return args


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (apt-get install postgresql-client)")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")


def _write_manifest(path: Path, kind: str, tables: dict[str, dict[str, Any]]) -> Path:
    manifest = {
        "format": 1,
        "engine": kind,
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "file": path.name,
        "sha256": _file_sha256(path),
        "tables": tables,
    }
    target = path.with_name(path.name + MANIFEST_SUFFIX)
    target.write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return target


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def backup(directory: Path) -> Path:
    """Write a backup of the default database into `directory` (created, mode 0700) and its manifest beside it."""
    kind = engine()
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    name = Path(str(_database()["NAME"])).stem
    if kind == "sqlite":
        path = directory / f"elaos-{name}-{stamp}.sqlite3"
        source = sqlite3.connect(str(_database()["NAME"]))
        copy = sqlite3.connect(path)
        try:
            with copy:
                source.backup(copy)
        finally:
            source.close()
            copy.close()
        path.chmod(0o600)
        _write_manifest(path, kind, _sqlite_fingerprints(path))
        return path
    path = directory / f"elaos-{name}-{stamp}.dump"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run(
            [
                "pg_dump",
                *_pg_args(),
                "--format=custom",
                f"--snapshot={snapshot}",
                "--file",
                str(path),
                str(_database()["NAME"]),
            ],
            env=_pg_env(),
        )
        tables = fingerprints()
    path.chmod(0o600)
    _write_manifest(path, kind, tables)
    return path


def read_manifest(path: Path) -> dict[str, Any]:
    manifest_path = path.with_name(path.name + MANIFEST_SUFFIX)
    if not manifest_path.exists():
        raise BackupError(f"{manifest_path} is missing: it is written by `manage.py backup` beside the backup")
    manifest = json.loads(manifest_path.read_text())
    if _file_sha256(path) != manifest["sha256"]:
        raise BackupError(f"{path} does not match its manifest (damaged or replaced)")
    return manifest


def _user_tables() -> list[str]:
    with connection.cursor() as cursor:
        return list(connection.introspection.table_names(cursor, include_views=False))


def restore(path: Path, *, force: bool = False) -> dict[str, Any]:
    """Restore `path` into the default database, which must be empty unless `force`; return the manifest."""
    kind = engine()
    manifest = read_manifest(path)
    if manifest["engine"] != kind:
        raise BackupError(f"this is a {manifest['engine']} backup; DATABASE_URL points to {kind}")
    if _user_tables() and not force:
        raise BackupError(
            f"the database {_database()['NAME']} is not empty: restore into a new database, or pass --force "
            "to replace its content"
        )
    if kind == "sqlite":
        connection.close()
        target = Path(str(_database()["NAME"]))
        source = sqlite3.connect(path)
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)
        finally:
            source.close()
            copy.close()
    else:
        connection.close()
        _run(
            [
                "pg_restore",
                *_pg_args(),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                *(["--clean", "--if-exists"] if force else []),
                "--dbname",
                str(_database()["NAME"]),
                str(path),
            ],
            env=_pg_env(),
        )
    return manifest


def differences(expected: dict[str, dict[str, Any]], found: dict[str, dict[str, Any]]) -> list[str]:
    problems = []
    for table in sorted(set(expected) | set(found)):
        if table not in found:
            problems.append(f"{table}: missing")
        elif table not in expected:
            problems.append(f"{table}: not in the backup")
        elif expected[table] != found[table]:
            problems.append(f"{table}: {expected[table]} in the backup, {found[table]} restored")
    return problems


def restored_fingerprints() -> dict[str, dict[str, Any]]:
    if engine() == "sqlite":
        connection.close()
        return _sqlite_fingerprints(Path(str(_database()["NAME"])))
    return fingerprints()


def summary(tables: Iterable[tuple[str, dict[str, Any]]]) -> str:
    tables = list(tables)
    return f"{len(tables)} tables, {sum(t['rows'] for _, t in tables)} rows"
