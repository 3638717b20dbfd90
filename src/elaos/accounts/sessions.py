"""Django's database sessions, read with one plain SQL statement (elaos.core.sql): every signed-in request loads
its session, and the ORM's compilation of that one lookup cost more than the rest of a cached page. Writing,
expiry and clearing stay Django's."""

from functools import cached_property
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

from elaos.core.sql import column, db_value, fetch_one, table


class SessionStore(DatabaseSessionStore):
    @cached_property
    def _select(self) -> str:
        model = self.model
        return (
            f"SELECT {column(model, 'session_data')} FROM {table(model)} "  # noqa: S608 (names from the model)
            f"WHERE {column(model, 'session_key')} = %s AND {column(model, 'expire_date')} > %s"
        )

    def load(self) -> dict[str, Any]:
        row = None
        if self.session_key:
            row = fetch_one(self._select, [self.session_key, db_value(self.model, "expire_date", timezone.now())])
        if row is None:
            # As Django's store: an unknown or expired key is forgotten, and a new one is made on save.
            self._session_key = None
            return {}
        return self.decode(row[0])
