"""The two sides of `notify_throughput`, run as subprocesses with the benchmark site's environment:

    python -m benchmarks.notify_load produce --count N --tag T [--threads K]  # sms_send, one transaction each
    python -m benchmarks.notify_load peer --count N              # the same sendsms requests, no queue, no database
    python -m benchmarks.notify_load count --tag T               # messages of this run per status

Each prints one JSON object on stdout."""

import argparse
import json
import sys
import time


def lao_sms(n: int) -> tuple[str, str]:
    """A recipient and a Lao sign-in code (UCS-2, one part), different for every n."""
    return f"+85620{55000000 + n:08d}", f"ລະຫັດຢືນຢັນ e-Laos ຂອງທ່ານແມ່ນ {n % 1000000:06d}"


def produce(count: int, tag: str, start: int, threads: int) -> dict[str, float]:
    """`count` messages from `threads` threads (each with its own database connection, like a web server's
    threads), each message in its own committed transaction, as a request that sends one SMS commits it."""
    import threading

    from django.db import connection, transaction

    from elaos.notifications.services import sms_send

    def send(numbers: range) -> None:
        try:
            for n in numbers:
                to, body = lao_sms(n)
                with transaction.atomic():
                    sms_send(to=to, body=body, idempotency_key=f"bench:{tag}:{n}")
        finally:
            connection.close()

    share = -(-count // threads)
    workers = [
        threading.Thread(target=send, args=(range(start + i * share, min(start + count, start + (i + 1) * share)),))
        for i in range(threads)
    ]
    started, cpu = time.time(), time.process_time()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return {"started": started, "finished": time.time(), "cpu": time.process_time() - cpu}


def peer(count: int) -> dict[str, float]:
    """The same requests through the same Kannel adapter (its keep-alive pool and concurrency), from one process,
    without the database or the task queue: what the gateway path alone allows."""
    import uuid

    from elaos.notifications.backends import Delivered, KannelSmsBackend
    from elaos.notifications.models import Message
    from elaos.notifications.sms import sms_length

    messages = []
    for n in range(count):
        to, body = lao_sms(n)
        encoding = sms_length(body).encoding
        messages.append(Message(public_id=uuid.uuid4(), channel="sms", to=to, body=body, encoding=encoding))
    backend = KannelSmsBackend()
    started = time.time()
    ok = sum(isinstance(outcome, Delivered) for _, outcome in backend.deliver_many(messages))
    return {"started": started, "finished": time.time(), "ok": ok}


def count(tag: str) -> dict[str, int]:
    from django.db.models import Count

    from elaos.notifications.models import Message

    rows = Message.objects.filter(idempotency_key__startswith=f"bench:{tag}:").values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.notify_load")
    parser.add_argument("what", choices=["produce", "peer", "count"])
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--tag", default="")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    import django

    django.setup()
    if args.what == "produce":
        out: dict[str, object] = produce(args.count, args.tag, args.start, args.threads)
    elif args.what == "peer":
        out = peer(args.count)
    else:
        out = count(args.tag)
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
