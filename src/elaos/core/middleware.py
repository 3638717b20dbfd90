"""Request ids: taken from X-Request-ID when a proxy set a sane one, else generated; put on every log line
emitted while the request runs and echoed in the response. Values the database cannot hold are bad input."""

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.db.utils import DataError
from django.http import HttpRequest, HttpResponse

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# One line per request (the web server's own access log is off, see elaos.core.webserver): the path without its
# query string, which can carry a verification code or a search for a person's name.
access_log = logging.getLogger("access")
# Parts of a path that are secrets (a link's one-time token) are logged as this.
SECRET_PATH_ARGUMENTS = frozenset({"token", "uidb64"})
REDACTED = "[redacted]"


def loggable_path(request: HttpRequest) -> str:
    """The request's path, without its query string and with the secret parts of links replaced."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    for name in SECRET_PATH_ARGUMENTS & set(match.kwargs if match else ()):
        path = path.replace(str(match.kwargs[name]), REDACTED)  # type: ignore[union-attr]
    return path


def current_request_id() -> str:
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs 4xx/5xx responses after the middleware has returned; those records carry the request.
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or _request_id.get()
        return True


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        request.request_id = request_id  # type: ignore[attr-defined]
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(
                    "",
                    extra={
                        "method": request.method,
                        "path": loggable_path(request),
                        "status": response.status_code,
                        "bytes": None if response.streaming else len(response.content),
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    },
                )
        finally:
            _request_id.reset(token)
        return response


class UnstorableInputMiddleware:
    """A value from a form or an address that the database cannot hold or compare (a NUL byte, a number out of
    range) is the visitor's bad input: the 400 page says so, instead of a server error. The API answers 422 on
    its own (elaos.api)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DataError):
            from elaos.core.views import bad_request

            logging.getLogger("elaos.security").warning("unstorable input refused: %s", type(exception).__name__)
            return bad_request(request, exception)
        return None
