"""The SQLite backend's writers queue on a lock file (elaos.core.db.sqlite3): a transaction holds it from BEGIN to
COMMIT or ROLLBACK, a second writer waits for it in the kernel, and nothing keeps it after the transaction ends."""

import fcntl
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connection

from elaos.core.db.sqlite3.base import DatabaseWrapper


def _wrapper(path: Path, alias: str, timeout: float = 5) -> DatabaseWrapper:
    settings_dict = {
        **connection.settings_dict,
        "ENGINE": "elaos.core.db.sqlite3",
        "NAME": str(path),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": timeout},
        "CONN_MAX_AGE": 0,
    }
    wrapper = DatabaseWrapper(settings_dict, alias)
    wrapper.ensure_connection()
    return wrapper


def _begin(wrapper: DatabaseWrapper) -> None:
    wrapper.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def _end(wrapper: DatabaseWrapper, *, commit: bool = True) -> None:
    wrapper.commit() if commit else wrapper.rollback()
    wrapper.set_autocommit(True)


def _lock_is_free(path: Path) -> bool:
    with open(f"{path}-writers", "ab") as f:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(f.fileno(), fcntl.LOCK_UN)
        return True


@pytest.fixture(autouse=True)
def _own_databases(django_db_blocker: Any) -> Iterator[None]:
    """These tests open their own SQLite files, not the test database."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE t (n INTEGER)")
    return path


def test_a_second_writer_waits_for_the_first_to_commit(database: Path) -> None:
    first = _wrapper(database, "first")
    _begin(first)
    first.cursor().execute("INSERT INTO t VALUES (1)")
    assert not _lock_is_free(database)
    order: list[str] = []

    def second_writer() -> None:
        second = _wrapper(database, "second")
        _begin(second)  # waits here, on the lock file, until the first commits
        order.append("second began")
        second.cursor().execute("INSERT INTO t VALUES (2)")
        _end(second)
        second.close()

    thread = threading.Thread(target=second_writer)
    thread.start()
    thread.join(timeout=0.3)
    assert thread.is_alive()
    assert order == []
    order.append("first commits")
    _end(first)
    thread.join(timeout=10)

    assert order == ["first commits", "second began"]
    assert first.cursor().execute("SELECT n FROM t ORDER BY n").fetchall() == [(1,), (2,)]
    assert _lock_is_free(database)
    first.close()


def test_rollback_and_close_free_the_lock(database: Path) -> None:
    writer = _wrapper(database, "writer")
    _begin(writer)
    _end(writer, commit=False)
    assert _lock_is_free(database)

    _begin(writer)
    writer.close()  # a broken request's connection is closed in the middle of its transaction
    assert _lock_is_free(database)


def test_a_thread_does_not_wait_for_itself_through_a_second_connection(database: Path) -> None:
    first = _wrapper(database, "first")
    _begin(first)
    other = _wrapper(database, "other", timeout=0.1)

    # SQLite's own lock answers, as it did without the lock file: no thread waits forever on itself.
    with pytest.raises(OperationalError, match="locked"):
        _begin(other)

    _end(first)
    assert _lock_is_free(database)
    other.close()
    first.close()


def test_an_in_memory_database_has_no_lock_file(tmp_path: Path) -> None:
    wrapper = _wrapper(Path(":memory:"), "memory")
    _begin(wrapper)
    _end(wrapper)
    assert wrapper._writers_file is None
    wrapper.close()
