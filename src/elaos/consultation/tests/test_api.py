import json

import pytest
from django.test import Client

from elaos.consultation import services
from elaos.consultation.models import Comment
from elaos.consultation.tests.conftest import article

pytestmark = pytest.mark.django_db

API = "/api/v1/consultations"


@pytest.fixture
def comments(consultation, citizen, other_citizen, moderator) -> list[Comment]:  # type: ignore[no-untyped-def]
    shown = services.comment_add(
        actor=citizen, consultation=consultation, article=article(consultation, 3), stance="oppose", text="ດົນເກີນໄປ"
    )
    anonymous = services.comment_add(
        actor=citizen, consultation=consultation, stance="support", text="ເຫັນດີທັງໝົດ", show_name=False
    )
    hidden = services.comment_add(
        actor=other_citizen, consultation=consultation, stance="neutral", text="ໂທຫາເບີ 020 5555 0000"
    )
    services.comment_moderate(actor=moderator, comment=hidden, hide=True, reason="ໂຄສະນາ")
    return [shown, anonymous, hidden]


def test_list(client: Client, comments) -> None:  # type: ignore[no-untyped-def]
    body = client.get(API).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["slug"] == "decree-associations"
    assert item["status"] == "open"
    assert item["comment_count"] == 2
    assert item["agency"]["code"] == "moha"
    assert item["days_left"] in (59, 60)


def test_detail(client: Client, comments) -> None:  # type: ignore[no-untyped-def]
    body = client.get(f"{API}/decree-associations").json()
    assert [a["number"] for a in body["articles"]] == [1, 2, 3]
    assert body["articles"][2]["tally"] == {"count": 1, "support": 0, "oppose": 1, "neutral": 0}
    assert body["whole_draft"]["count"] == 1
    assert body["total"]["count"] == 2
    assert body["responses"] == []
    assert body["versions"] == [1]


def test_detail_after_close_has_responses(client: Client, comments, agency_admin) -> None:  # type: ignore[no-untyped-def]
    closed = services.consultation_close(actor=agency_admin, consultation=comments[0].consultation)
    services.response_publish(
        actor=agency_admin, consultation=closed, article=article(closed, 3), text_lo="ຫຼຸດລົງ", comments=comments
    )
    body = client.get(f"{API}/decree-associations").json()
    assert body["status"] == "closed"
    [response] = body["responses"]
    assert response["article"] == 3
    # A hidden comment is never named, even when a response answered it.
    assert response["comments"] == [str(comments[0].public_id), str(comments[1].public_id)]


def test_comments_are_published_only_and_paginated(client: Client, comments) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"{API}/decree-associations/comments")
    body = response.json()
    assert body["count"] == 2
    assert [c["text"] for c in body["items"]] == ["ດົນເກີນໄປ", "ເຫັນດີທັງໝົດ"]
    assert body["items"][0]["article"] == 3
    assert body["items"][1]["article"] is None
    text = json.dumps(body, ensure_ascii=False)
    assert "020 5555 0000" not in text
    assert "ໂຄສະນາ" not in text
    assert client.get(f"{API}/decree-associations/comments?limit=1&offset=1").json()["items"][0]["text"] == "ເຫັນດີທັງໝົດ"


def test_anonymous_name_in_english(client: Client, comments) -> None:  # type: ignore[no-untyped-def]
    body = client.get(f"{API}/decree-associations/comments", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["items"][1]["display_name"] == "Citizen"


def test_unknown_is_404(client: Client, db: None) -> None:
    response = client.get(f"{API}/nothing")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client.get(f"{API}/nothing/comments").status_code == 404


def test_draft_not_in_consultation_is_404(client: Client, draft) -> None:  # type: ignore[no-untyped-def]
    assert client.get(f"{API}/decree-associations").status_code == 404
