"""Delivery backends, chosen by settings.NOTIFY_SMS_BACKEND / NOTIFY_EMAIL_BACKEND.

- `outbox`: the local simulator. Delivery succeeds at once and the message stays readable by staff at
  /backoffice/outbox/; used in development and tests, never presented to users as delivered to a phone.
- `kannel`: an HTTP SMS gateway speaking Kannel's `sendsms` interface (used by many operators' SMSCs).
- `smtp`: e-mail through Django's SMTP backend.
"""

from dataclasses import dataclass
from typing import Protocol

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


class Backend(Protocol):
    name: str

    def deliver(self, message: Message) -> Delivered: ...


class OutboxBackend:
    name = "outbox"

    def deliver(self, message: Message) -> Delivered:
        return Delivered(reference=f"outbox-{message.public_id}")


class KannelSmsBackend:
    """Kannel `sendsms`: GET with username, password, from, to, text, charset and coding=2 (UCS-2) for Lao.

    Kannel answers 202 "0: Accepted for delivery" or "3: Queued for later delivery"; 4xx means the request
    itself is wrong (never retried), 5xx or a network error is retried with backoff.
    """

    name = "kannel"
    # One pooled client per process: a backend is made for every message, a connection pool must not be.
    _shared_client: httpx.Client | None = None

    def __init__(self, client: httpx.Client | None = None) -> None:
        if client is None:
            if KannelSmsBackend._shared_client is None:
                KannelSmsBackend._shared_client = httpx.Client(timeout=10)
            client = KannelSmsBackend._shared_client
        self.client = client

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
        }
        try:
            response = self.client.get(settings.SMS_GATEWAY_URL, params=params)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"gateway unreachable: {exc.__class__.__name__}") from exc
        body = response.text.strip()[:200]
        if response.status_code in (200, 202) and body[:2] in ("0:", "3:"):
            return Delivered(reference=response.headers.get("X-Kannel-Message-ID", body))
        if 400 <= response.status_code < 500:
            raise PermanentDeliveryError(f"gateway refused ({response.status_code}): {body}")
        raise DeliveryError(f"gateway error ({response.status_code}): {body}")


class SmtpEmailBackend:
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
