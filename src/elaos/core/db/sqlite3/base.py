"""Django's SQLite backend, with writers that queue for the write lock instead of polling for it.

SQLite lets one transaction write at a time. A writer that finds the lock taken waits in SQLite's busy handler,
which sleeps and retries — 1, 2, 5, 10 … then 100 ms between tries — so under a burst of writes a waiter can
sleep long after the lock was freed, and whoever retries at the right moment goes first: a few requests wait
ten times longer than the rest. Here every transaction (IMMEDIATE: it takes the write lock at BEGIN) first takes
an exclusive `flock` on a file next to the database, held until COMMIT or ROLLBACK. Waiting for it is the
kernel's: the next writer wakes the moment the lock is freed. Threads and processes (web workers, the task
worker) each hold their own open file, so they queue alike. SQLite's own lock and busy timeout stay as they
were, for writes outside a transaction and for other programs. See docs/adr/0009-writers-take-turns-briefly.md."""

import fcntl
import threading
from typing import IO, Any

from django.db.backends.sqlite3 import base

# The lock files this thread holds, by path: a thread that opens a second transaction on the same database
# through another connection must not wait for itself (SQLite's busy timeout answers that case, as before).
_thread = threading.local()


def _held() -> set[str]:
    if not hasattr(_thread, "paths"):
        _thread.paths = set()
    return _thread.paths


class DatabaseWrapper(base.DatabaseWrapper):
    _writers_file: IO[bytes] | None = None
    _writers_locked = False

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        conn = super().get_new_connection(conn_params)
        if self._writers_file is None and not self.is_in_memory_db():
            self._writers_file = open(f"{self.settings_dict['NAME']}-writers", "ab")  # noqa: SIM115 (closed in _close)
        return conn

    def _start_transaction_under_autocommit(self) -> None:
        self._take_writers_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._free_writers_lock()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()
        finally:
            self._free_writers_lock()

    def _rollback(self) -> None:
        try:
            super()._rollback()
        finally:
            self._free_writers_lock()

    def _close(self) -> None:
        try:
            super()._close()
        finally:
            self._free_writers_lock()
            if self._writers_file is not None:
                self._writers_file.close()
                self._writers_file = None

    def _take_writers_lock(self) -> None:
        if self._writers_file is None or self._writers_locked:
            return
        if self._writers_file.name in _held():
            return
        fcntl.flock(self._writers_file.fileno(), fcntl.LOCK_EX)  # releases the GIL while it waits
        _held().add(self._writers_file.name)
        self._writers_locked = True

    def _free_writers_lock(self) -> None:
        if not self._writers_locked or self._writers_file is None:
            return
        self._writers_locked = False
        _held().discard(self._writers_file.name)
        fcntl.flock(self._writers_file.fileno(), fcntl.LOCK_UN)
