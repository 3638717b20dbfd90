"""The local Kannel-compatible gateway: Kannel's answers, and each message id delivered once."""

import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings

from elaos.notifications.gateway_simulator import GatewayState, message_id, sendsms

ROOT = Path(settings.PROJECT_DIR)
DLR = "https://e-laos.example/notifications/dlr/?id=0f6c1f8e-5d0a-4a57-9c43-3c2b1f0e9a11&status=%d"
SMS = {"username": "elaos", "password": "s3cret", "to": "+8562055512345", "text": "ລະຫັດ 482913", "coding": "2"}


def test_our_id_is_read_from_the_delivery_report_url() -> None:
    assert message_id({"dlr-url": DLR}) == "0f6c1f8e-5d0a-4a57-9c43-3c2b1f0e9a11"
    assert message_id({}) == ""


def test_a_repeated_id_is_accepted_but_delivered_once() -> None:
    state = GatewayState()

    answers = [sendsms(state, {**SMS, "dlr-url": DLR}) for _ in range(2)]

    assert answers == [(202, "0: Accepted for delivery")] * 2
    assert (state.accepted, state.delivered, state.duplicates) == (2, 1, 1)


@pytest.mark.parametrize(
    ("change", "answer"),
    [
        ({"password": "wrong"}, (403, "Authorization failed for sendsms")),
        ({"to": ""}, (400, "Missing receiver number")),
        ({"coding": "7"}, (400, "Unknown coding")),
    ],
)
def test_bad_requests_are_refused_like_kannel(change: dict, answer: tuple[int, str]) -> None:
    state = GatewayState(username="elaos", password="s3cret")

    assert sendsms(state, {**SMS, **change}) == answer
    assert (state.delivered, state.refused) == (0, 1)


@pytest.fixture
def gateway() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "elaos.notifications.gateway_simulator", "--port", "0"],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
        stdout=subprocess.PIPE,
    )
    try:
        line = process.stdout.readline().decode()  # type: ignore[union-attr]
        yield line.split("listening on ", 1)[1].split("/cgi-bin", 1)[0]
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_simulator_speaks_sendsms_over_http_get_and_post(gateway: str) -> None:
    with urllib.request.urlopen(f"{gateway}/cgi-bin/sendsms?{urlencode({**SMS, 'dlr-url': DLR})}") as response:
        assert (response.status, response.read()) == (202, b"0: Accepted for delivery")
    post = urllib.request.Request(f"{gateway}/cgi-bin/sendsms", data=urlencode({**SMS, "dlr-url": DLR}).encode())
    with urllib.request.urlopen(post) as response:
        assert response.status == 202
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{gateway}/cgi-bin/sendsms?{urlencode({**SMS, 'to': ''})}")
    assert refused.value.code == 400

    with urllib.request.urlopen(f"{gateway}/stats") as response:
        stats = json.loads(response.read())
    assert (stats["accepted"], stats["delivered"], stats["duplicates"], stats["refused"]) == (2, 1, 1, 1)
    with urllib.request.urlopen(f"{gateway}/received") as response:
        assert json.loads(response.read()) == {"0f6c1f8e-5d0a-4a57-9c43-3c2b1f0e9a11": 2}
