"""Delivery backends, chosen by settings.NOTIFY_SMS_BACKEND / NOTIFY_EMAIL_BACKEND.

- `outbox`: the local simulator. Delivery succeeds at once and the message stays readable by staff at
  /backoffice/outbox/; used in development and tests, never presented to users as delivered to a phone.
- `kannel`: an HTTP SMS gateway speaking Kannel's `sendsms` interface (used by many operators' SMSCs).
- `smtp`: e-mail through Django's SMTP backend.
"""

import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlencode

import httpx
from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from elaos.notifications.models import Message


class DeliveryError(Exception):
    """A delivery that may succeed if tried again later."""


class PermanentDeliveryError(Exception):
    """A delivery that will never succeed (bad number, rejected credentials)."""


@dataclass(frozen=True)
class Delivered:
    reference: str


Outcome = Delivered | DeliveryError | PermanentDeliveryError


class Backend(Protocol):
    name: str

    def deliver(self, message: Message) -> Delivered: ...

    def deliver_many(self, messages: Iterable[Message]) -> Iterator[tuple[Message, Outcome]]: ...


def attempt(backend: Backend, message: Message) -> Outcome:
    """One delivery, its failure returned rather than raised. Anything unexpected (a bug, a library error) is a
    temporary failure: the message is retried with backoff instead of being lost with the batch."""
    try:
        return backend.deliver(message)
    except (DeliveryError, PermanentDeliveryError) as exc:
        return exc
    except Exception as exc:
        return DeliveryError(f"unexpected error: {exc.__class__.__name__}: {exc}")


class OneByOne:
    """Backends without a faster way deliver a batch one message after the other."""

    def deliver_many(self, messages: Iterable[Message]) -> Iterator[tuple[Message, Outcome]]:
        for message in messages:
            yield message, attempt(self, message)  # type: ignore[arg-type]


class OutboxBackend(OneByOne):
    name = "outbox"

    def deliver(self, message: Message) -> Delivered:
        return Delivered(reference=f"outbox-{message.public_id}")


def dlr_url(message: Message) -> str:
    """The delivery-report URL Kannel calls back (`%d` is the report's status), carrying our message id: the id
    that tells a repeated request apart from a new message at the gateway, and the one the SMSC's reports name."""
    base = getattr(settings, "SMS_DLR_URL", "") or "http://127.0.0.1:8000/notifications/dlr/"
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}id={message.public_id}&status=%d"


class KannelSmsBackend:
    """Kannel `sendsms`: GET with username, password, from, to, text, charset and coding=2 (UCS-2) for Lao, and
    `dlr-mask` + `dlr-url` asking for delivery reports at a URL that carries our message id (see dlr_url).

    Kannel answers 202 "0: Accepted for delivery" or "3: Queued for later delivery"; 4xx means the request
    itself is wrong (never retried), 5xx or a network error is retried with backoff.

    A batch goes out over one keep-alive connection pool (httpx) from a few threads at once
    (settings.NOTIFY_SMS_CONCURRENCY, default 16), and each answer is handed back as soon as it arrives.
    """

    name = "kannel"
    # One pooled client and one thread pool per process: a backend is made for every batch, a pool must not be.
    _shared_client: httpx.Client | None = None
    _shared_pool: ThreadPoolExecutor | None = None
    _lock = threading.Lock()

    def __init__(self, client: httpx.Client | None = None) -> None:
        self.concurrency = max(1, int(getattr(settings, "NOTIFY_SMS_CONCURRENCY", 16)))
        if client is None:
            with KannelSmsBackend._lock:
                if KannelSmsBackend._shared_client is None:
                    limits = httpx.Limits(max_connections=self.concurrency, max_keepalive_connections=self.concurrency)
                    KannelSmsBackend._shared_client = httpx.Client(timeout=10, limits=limits)
                client = KannelSmsBackend._shared_client
        self.client = client

    def _pool(self) -> ThreadPoolExecutor:
        with KannelSmsBackend._lock:
            if KannelSmsBackend._shared_pool is None:
                KannelSmsBackend._shared_pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="kannel")
            return KannelSmsBackend._shared_pool

    def deliver_many(self, messages: Iterable[Message]) -> Iterator[tuple[Message, Outcome]]:
        batch = list(messages)
        if len(batch) <= 1:
            yield from ((message, attempt(self, message)) for message in batch)
            return
        futures = {self._pool().submit(attempt, self, message): message for message in batch}
        for future in as_completed(futures):
            yield futures[future], future.result()

    def deliver(self, message: Message) -> Delivered:
        params = {
            "username": settings.SMS_GATEWAY_USERNAME,
            "password": settings.SMS_GATEWAY_PASSWORD,
            "from": settings.SMS_SENDER,
            "to": message.to,
            "text": message.body,
            "charset": "UTF-8",
            "coding": "2" if message.encoding == "ucs2" else "0",
            "dlr-mask": "3",
            "dlr-url": dlr_url(message),
        }
        try:
            response = self.client.get(f"{settings.SMS_GATEWAY_URL}?{urlencode(params)}")
        except httpx.HTTPError as exc:
            raise DeliveryError(f"gateway unreachable: {exc.__class__.__name__}") from exc
        body = response.text.strip()[:200]
        if response.status_code in (200, 202) and body[:2] in ("0:", "3:"):
            return Delivered(reference=response.headers.get("X-Kannel-Message-ID", body))
        if 400 <= response.status_code < 500:
            raise PermanentDeliveryError(f"gateway refused ({response.status_code}): {body}")
        raise DeliveryError(f"gateway error ({response.status_code}): {body}")


class SmtpEmailBackend(OneByOne):
    name = "smtp"

    def deliver(self, message: Message) -> Delivered:
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            to=[message.to],
            headers={"Message-ID": f"<{message.public_id}@e-laos>"},
        )
        try:
            get_connection(settings.EMAIL_BACKEND, fail_silently=False).send_messages([email])
        except OSError as exc:
            raise DeliveryError(f"SMTP error: {exc.__class__.__name__}: {exc}") from exc
        return Delivered(reference=f"<{message.public_id}@e-laos>")


_BACKENDS: dict[str, type] = {"outbox": OutboxBackend, "kannel": KannelSmsBackend, "smtp": SmtpEmailBackend}


def backend_name_for(channel: str) -> str:
    name = settings.NOTIFY_SMS_BACKEND if channel == Message.Channel.SMS else settings.NOTIFY_EMAIL_BACKEND
    if name not in _BACKENDS:
        raise ValueError(f"unknown notification backend {name!r}")
    return name


def get_backend(name: str) -> Backend:
    return _BACKENDS[name]()
