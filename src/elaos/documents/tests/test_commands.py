import json
from io import StringIO

import pytest
from django.core.management import call_command

from elaos.documents import keys


@pytest.fixture(autouse=True)
def own_keys_dir(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ELAOS_KEYS_DIR", str(tmp_path / "keys"))


def test_status_lists_the_keys() -> None:
    out = StringIO()

    call_command("documents_keys", stdout=out)

    assert keys.record_key().kid in out.getvalue()
    assert "active" in out.getvalue()


def test_rotate_then_print_the_published_json() -> None:
    old = keys.record_key().kid
    out = StringIO()

    call_command("documents_keys", "--rotate", "--json", stdout=out)

    text = out.getvalue()
    published = json.loads(text[text.index("{") :])
    assert [(k["kid"] == old, k["status"]) for k in published["keys"]] == [(False, "active"), (True, "retired")]
