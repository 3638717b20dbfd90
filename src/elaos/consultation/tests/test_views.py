import csv
import io
import json

import pytest
from django.test import Client

from elaos.consultation import services
from elaos.consultation.models import Comment, Consultation, Draft
from elaos.consultation.services import ArticleData
from elaos.consultation.tests.conftest import ARTICLES, article, verified_client

pytestmark = pytest.mark.django_db

DETAIL = "/consultations/decree-associations/"


def post_comment(client: Client, target: str = "a2", text: str = "ຄວນຍື່ນທາງອອນລາຍໄດ້.", **extra: str):  # type: ignore[no-untyped-def]
    data = {"target": target, f"{target}-stance": "support", f"{target}-text": text, f"{target}-show_name": "on"}
    data.update(extra)
    return client.post(DETAIL, data)


@pytest.fixture
def comments(consultation: Consultation, citizen, other_citizen, moderator) -> list[Comment]:  # type: ignore[no-untyped-def]
    shown = services.comment_add(
        actor=citizen, consultation=consultation, article=article(consultation, 3), stance="oppose", text="ດົນເກີນໄປ"
    )
    hidden = services.comment_add(
        actor=other_citizen, consultation=consultation, stance="neutral", text="ໂທຫາເບີ 020 5555 0000 ຊື້ສິນຄ້າ"
    )
    services.comment_moderate(actor=moderator, comment=hidden, hide=True, reason="ໂຄສະນາສິນຄ້າ")
    return [shown, hidden]


def test_list_shows_open_first_with_days_left(client: Client, consultation, agency, agency_admin) -> None:  # type: ignore[no-untyped-def]
    closed_draft = services.draft_create(
        actor=agency_admin, agency=agency, kind="law", slug="old-law", title_lo="ກົດໝາຍເກົ່າ", articles=ARTICLES
    )
    old = services.consultation_open(actor=agency_admin, version=closed_draft.versions.get())
    services.consultation_close(actor=agency_admin, consultation=old)
    html = client.get("/consultations/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.index("Draft Decree on Associations") < html.index("ກົດໝາຍເກົ່າ")
    assert "59 days left" in html or "60 days left" in html


def test_detail_shows_articles_tallies_and_hidden_reason(client: Client, comments) -> None:  # type: ignore[no-untyped-def]
    response = client.get(DETAIL, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Purpose" in html
    assert "Time limit" in html
    assert "ດົນເກີນໄປ" in html
    assert "Hidden by the moderator: ໂຄສະນາສິນຄ້າ" in html
    assert "020 5555 0000" not in html
    assert "1 comment: 0 support, 1 oppose, 0 neutral" in html
    assert "Sign in to comment" in html
    assert 'name="a2-text"' not in html


def test_signed_in_citizen_comments_on_an_article(client: Client, consultation, citizen) -> None:  # type: ignore[no-untyped-def]
    client.force_login(citizen)
    assert 'name="a2-text"' in client.get(DETAIL).content.decode()
    response = post_comment(client)
    assert response.status_code == 302
    made = Comment.objects.get()
    assert made.article.number == 2
    assert made.display_name == citizen.get_full_name()
    assert response["Location"].endswith(f"#comment-{made.public_id}")


def test_opting_out_of_the_name_shows_citizen(client: Client, consultation, citizen) -> None:  # type: ignore[no-untyped-def]
    client.force_login(citizen)
    client.post(DETAIL, {"target": "whole", "whole-stance": "neutral", "whole-text": "ຂອບໃຈຫຼາຍໆ"})
    made = Comment.objects.get()
    assert made.article is None
    assert made.display_name == ""
    assert "Citizen" in client.get(DETAIL, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_comment_on_closed_consultation_keeps_the_text(client: Client, closed_consultation, citizen) -> None:  # type: ignore[no-untyped-def]
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(citizen)
    response = post_comment(client, text="ຂໍ້ຄວາມທີ່ຂ້ອຍຂຽນໄວ້")
    html = response.content.decode()
    assert response.status_code == 400
    assert "This consultation is closed: comments are no longer accepted." in html
    assert "ຂໍ້ຄວາມທີ່ຂ້ອຍຂຽນໄວ້</textarea>" in html
    assert not Comment.objects.exists()


def test_anonymous_post_goes_to_sign_in(client: Client, consultation) -> None:  # type: ignore[no-untyped-def]
    response = post_comment(client)
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]
    assert not Comment.objects.exists()


def test_unknown_draft_is_404(client: Client, db: None) -> None:
    assert client.get("/consultations/nothing/").status_code == 404


def test_draft_without_consultation_is_not_public(client: Client, draft: Draft) -> None:
    assert client.get(DETAIL).status_code == 404


def test_closed_shows_responses(client: Client, comments, agency_admin) -> None:  # type: ignore[no-untyped-def]
    consultation = comments[0].consultation
    closed = services.consultation_close(actor=agency_admin, consultation=consultation)
    services.response_publish(
        actor=agency_admin,
        consultation=closed,
        article=article(closed, 3),
        text_lo="ພວກເຮົາຫຼຸດລົງເປັນ 30 ວັນ",
        comments=[comments[0]],
    )
    html = client.get(DETAIL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You said, we did" in html
    assert "ພວກເຮົາຫຼຸດລົງເປັນ 30 ວັນ" in html


def test_diff_marks_insertions_and_deletions_and_shows_comments(client: Client, comments, agency_admin) -> None:  # type: ignore[no-untyped-def]
    draft = comments[0].consultation.version.draft
    services.consultation_close(actor=agency_admin, consultation=comments[0].consultation)
    changed = [
        ARTICLES[0],
        ARTICLES[1],
        ArticleData(3, "ໄລຍະເວລາ", "ພິຈາລະນາພາຍໃນ 30 ວັນ.", "Time limit", "Decided within 30 days."),
    ]
    services.version_publish(actor=agency_admin, draft=draft, articles=changed, comment_links={3: [comments[0]]})
    response = client.get(f"{DETAIL}diff/?from=1&to=2", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<del>60</del><ins>30</ins>" in html
    assert "Comments that led to this change" in html
    assert "ດົນເກີນໄປ" in html
    assert "1 article changed." in html
    assert client.get(f"{DETAIL}diff/?from=1&to=9").status_code == 404
    assert client.get(f"{DETAIL}diff/?from=x").status_code == 404


def test_downloads_hold_published_comments_only(client: Client, comments) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"{DETAIL}comments.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["text"] for r in rows] == ["ດົນເກີນໄປ"]
    assert "020 5555 0000" not in response.content.decode()
    assert set(rows[0]) == {
        "id",
        "created_at",
        "article",
        "article_heading_lo",
        "stance",
        "display_name",
        "npa_name",
        "text",
    }
    body = json.loads(client.get(f"{DETAIL}comments.json").content)
    assert [c["text"] for c in body["comments"]] == ["ດົນເກີນໄປ"]
    assert "020 5555 0000" not in json.dumps(body, ensure_ascii=False)
    assert "phone" not in json.dumps(body)


def test_csv_neutralises_formulas(client: Client, consultation, citizen) -> None:  # type: ignore[no-untyped-def]
    services.comment_add(actor=citizen, consultation=consultation, stance="oppose", text="=HYPERLINK(1)")
    rows = list(csv.DictReader(io.StringIO(client.get(f"{DETAIL}comments.csv").content.decode("utf-8-sig"))))
    assert rows[0]["text"] == "'=HYPERLINK(1)"


# The agency's pages


@pytest.mark.parametrize(
    "path",
    [
        "/consultations/manage/decree-associations/",
        "/consultations/manage/decree-associations/moderate/",
        "/consultations/manage/decree-associations/responses/",
        "/consultations/manage/decree-associations/versions/new/",
    ],
)
def test_staff_pages_are_404_for_citizens_and_other_agencies(
    client: Client, consultation, citizen, foreign_admin, path: str
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(citizen)
    assert client.get(path).status_code == 404
    assert verified_client(foreign_admin).get(path).status_code == 404


def test_manage_index_is_404_for_citizens(client: Client, citizen) -> None:  # type: ignore[no-untyped-def]
    client.force_login(citizen)
    assert client.get("/consultations/manage/").status_code == 404
    assert client.get("/consultations/manage/new/").status_code == 404


def test_staff_create_draft_and_open_it(agency, agency_admin) -> None:  # type: ignore[no-untyped-def]
    client = verified_client(agency_admin)
    assert client.get("/consultations/manage/new/").status_code == 200
    response = client.post(
        "/consultations/manage/new/",
        {
            "agency": agency.pk,
            "kind": "policy",
            "title_lo": "ນະໂຍບາຍດິຈິຕອນ",
            "slug": "digital-policy",
            "articles_lo": "ຈຸດປະສົງ\nເພື່ອພັດທະນາ.\n---\nຂອບເຂດ\nທົ່ວປະເທດ.",
            "articles_en": "Purpose\nTo develop.\n---\nScope\nNationwide.",
        },
    )
    assert response.status_code == 302, response.content.decode()
    draft = Draft.objects.get(slug="digital-policy")
    assert [(a.heading_en, a.text_lo) for a in draft.versions.get().articles.all()] == [
        ("Purpose", "ເພື່ອພັດທະນາ."),
        ("Scope", "ທົ່ວປະເທດ."),
    ]
    response = client.post("/consultations/manage/digital-policy/", {"action": "open", "days": "60"})
    assert response.status_code == 302
    assert Consultation.objects.get(version__draft=draft).status == Consultation.Status.OPEN


def test_article_counts_must_match(agency, agency_admin) -> None:  # type: ignore[no-untyped-def]
    response = verified_client(agency_admin).post(
        "/consultations/manage/new/",
        {
            "agency": agency.pk,
            "kind": "law",
            "title_lo": "ກົດໝາຍ",
            "slug": "law",
            "articles_lo": "ກ\nຂ",
            "articles_en": "A\nB\n---\nC\nD",
        },
    )
    assert response.status_code == 400
    assert not Draft.objects.exists()


def test_moderator_hides_with_reason(comments, moderator) -> None:  # type: ignore[no-untyped-def]
    client = verified_client(moderator)
    shown = comments[0]
    url = "/consultations/manage/decree-associations/moderate/"
    response = client.post(url, {"comment": str(shown.public_id), "action": "hide", f"{shown.public_id}-reason": ""})
    assert response.status_code == 400
    shown.refresh_from_db()
    assert shown.status == Comment.Status.PUBLISHED
    response = client.post(
        url, {"comment": str(shown.public_id), "action": "hide", f"{shown.public_id}-reason": "ຫຍາບຄາຍ"}
    )
    assert response.status_code == 302
    shown.refresh_from_db()
    assert shown.status == Comment.Status.HIDDEN
    assert shown.moderation_reason == "ຫຍາບຄາຍ"


def test_moderator_cannot_open_or_respond(consultation, moderator) -> None:  # type: ignore[no-untyped-def]
    client = verified_client(moderator)
    assert client.get("/consultations/manage/decree-associations/").status_code == 200
    assert client.get("/consultations/manage/decree-associations/responses/").status_code == 404
    assert client.post("/consultations/manage/decree-associations/", {"action": "close"}).status_code == 404


def test_admin_publishes_response_and_next_version(comments, agency_admin) -> None:  # type: ignore[no-untyped-def]
    client = verified_client(agency_admin)
    base = "/consultations/manage/decree-associations/"
    response = client.post(base + "responses/", {"article": "3", "text_lo": "ພວກເຮົາປ່ຽນ"})
    assert response.status_code == 400  # still open
    assert client.post(base, {"action": "close"}).status_code == 302
    response = client.post(base + "responses/", {"article": "3", "text_lo": "ພວກເຮົາປ່ຽນ", "comments": [comments[0].pk]})
    assert response.status_code == 302
    page = client.get(base + "versions/new/").content.decode()
    assert "ພິຈາລະນາພາຍໃນ 60 ວັນ." in page
    lao = "ຈຸດປະສົງ\nດຳລັດນີ້ກຳນົດຫຼັກການຂອງສະມາຄົມ.\n---\nການຍື່ນຄຳຮ້ອງ\nຍື່ນຄຳຮ້ອງທາງອອນລາຍໄດ້.\n---\nໄລຍະເວລາ\nພິຈາລະນາພາຍໃນ 30 ວັນ."
    english = (
        "Purpose\nThis decree sets the principles.\n---\nApplication\nApply online.\n---\n"
        "Time limit\nDecided within 30 days."
    )
    response = client.post(
        base + "versions/new/", {"articles_lo": lao, "articles_en": english, "comments": [comments[0].pk]}
    )
    assert response.status_code == 302, response.content.decode()
    draft = Draft.objects.get()
    assert draft.versions.count() == 2
    change = draft.versions.get(number=2).articles.get(number=3).changes_to.get()
    assert list(change.comments.all()) == [comments[0]]


def test_admin_pages_render(comments, agency_admin) -> None:  # type: ignore[no-untyped-def]
    client = verified_client(agency_admin)
    index = client.get("/consultations/manage/")
    assert index.status_code == 200
    assert "decree-associations" in index.content.decode()
    for path in ("", "moderate/", "responses/", "versions/new/"):
        assert client.get(f"/consultations/manage/decree-associations/{path}").status_code == 200, path
