"""Domain events: an app announces what happened with `emit`; the exchange layer delivers it to agencies' webhooks.

Lower layers may not import the exchange app, so subscribers register here (from their AppConfig.ready) and
receive each event after the surrounding transaction commits: a change that is rolled back announces nothing.
Payloads are JSON-serialisable and carry public identifiers, never personal data beyond what the event needs."""

from collections.abc import Callable
from typing import Any

from django.db import transaction

Subscriber = Callable[[str, dict[str, Any]], None]

EVENT_TYPES = frozenset(
    {
        "application.status_changed",
        "npa.registered",
        "npa.dissolved",
        "migration.agency_licence_suspended",
        "document.revoked",
    }
)

_subscribers: list[Subscriber] = []


def subscribe(subscriber: Subscriber) -> Subscriber:
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)
    return subscriber


def emit(event_type: str, payload: dict[str, Any]) -> None:
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")

    def deliver() -> None:
        for subscriber in list(_subscribers):
            subscriber(event_type, payload)

    transaction.on_commit(deliver)
