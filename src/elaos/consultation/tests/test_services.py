import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone, translation

from elaos.consultation import services
from elaos.consultation.models import ArticleChange, Comment, Consultation, Draft
from elaos.consultation.services import COMMENTS_PER_HOUR, ArticleData
from elaos.consultation.tests.conftest import ARTICLES, article
from elaos.core.audit import audit_events_for, audit_verify_chain

pytestmark = pytest.mark.django_db


def comment(consultation, user, text="ຄວນຫຼຸດເວລາລົງ.", **kwargs):  # type: ignore[no-untyped-def]
    return services.comment_add(actor=user, consultation=consultation, text=text, stance="oppose", **kwargs)


def test_draft_create_makes_version_one_with_articles_and_audits(draft: Draft) -> None:
    version = draft.versions.get()
    assert version.number == 1
    assert [a.number for a in version.articles.all()] == [1, 2, 3]
    assert audit_events_for(draft).filter(action="consultation.draft_create").exists()
    assert audit_verify_chain()[1] is None


def test_only_office_admins_of_the_agency_create_drafts(agency, moderator, foreign_admin, citizen) -> None:  # type: ignore[no-untyped-def]
    for actor in (moderator, foreign_admin, citizen):
        with pytest.raises(PermissionDenied):
            services.draft_create(actor=actor, agency=agency, kind="law", slug="x", title_lo="ກົດໝາຍ", articles=ARTICLES)


def test_reserved_slug_is_refused(agency, agency_admin) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        services.draft_create(
            actor=agency_admin, agency=agency, kind="law", slug="manage", title_lo="ກົດໝາຍ", articles=ARTICLES
        )


@override_settings(CONSULTATION_DEFAULT_DAYS=45)
def test_default_period_comes_from_settings(draft: Draft, agency_admin) -> None:  # type: ignore[no-untyped-def]
    consultation = services.consultation_open(actor=agency_admin, version=draft.versions.get())
    assert consultation.closes_at - consultation.opens_at == datetime.timedelta(days=45)
    assert consultation.status == Consultation.Status.OPEN


def test_default_period_is_sixty_days(draft: Draft, agency_admin) -> None:  # type: ignore[no-untyped-def]
    consultation = services.consultation_open(actor=agency_admin, version=draft.versions.get())
    assert consultation.closes_at - consultation.opens_at == datetime.timedelta(days=60)
    assert consultation.days_left == 60


def test_a_draft_has_one_running_consultation(consultation: Consultation, agency_admin) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as exc:
        services.consultation_open(actor=agency_admin, version=consultation.version)
    assert exc.value.code == "running"


def test_comment_on_open_consultation(consultation: Consultation, citizen) -> None:  # type: ignore[no-untyped-def]
    made = comment(consultation, citizen, article=article(consultation, 3), npa_name="ສະມາຄົມ")
    assert made.display_name == citizen.get_full_name()
    assert made.status == Comment.Status.PUBLISHED
    assert audit_events_for(made).filter(action="consultation.comment_add").exists()


def test_comment_can_hide_the_name(consultation: Consultation, citizen) -> None:  # type: ignore[no-untyped-def]
    assert comment(consultation, citizen, show_name=False).display_name == ""


def test_comment_refused_when_closed(closed_consultation: Consultation, citizen) -> None:  # type: ignore[no-untyped-def]
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        comment(closed_consultation, citizen)
    assert exc.value.code == "closed"
    assert "closed" in exc.value.messages[0]


def test_comment_refused_before_opening(draft: Draft, agency_admin, citizen) -> None:  # type: ignore[no-untyped-def]
    upcoming = services.consultation_open(
        actor=agency_admin, version=draft.versions.get(), opens_at=timezone.now() + datetime.timedelta(days=2)
    )
    assert upcoming.status == Consultation.Status.UPCOMING
    with pytest.raises(ValidationError) as exc:
        comment(upcoming, citizen)
    assert exc.value.code == "not_open"


def test_comment_needs_a_signed_in_person(consultation: Consultation) -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        comment(consultation, AnonymousUser())


@pytest.mark.parametrize(("text", "code"), [("ດີ", "too_short"), ("ກ" * 5001, "too_long")])
def test_comment_length_limits(consultation: Consultation, citizen, text: str, code: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as exc:
        comment(consultation, citizen, text=text)
    assert exc.value.code == code


def test_comment_on_an_article_of_another_draft_is_refused(consultation, agency, agency_admin, citizen) -> None:  # type: ignore[no-untyped-def]
    other = services.draft_create(
        actor=agency_admin, agency=agency, kind="law", slug="other", title_lo="ອື່ນ", articles=ARTICLES
    )
    with pytest.raises(ValidationError):
        comment(consultation, citizen, article=other.versions.get().articles.first())


def test_rate_limit_per_person_per_consultation_per_hour(consultation: Consultation, citizen, other_citizen) -> None:  # type: ignore[no-untyped-def]
    for _ in range(COMMENTS_PER_HOUR):
        comment(consultation, citizen)
    with pytest.raises(ValidationError) as exc:
        comment(consultation, citizen)
    assert exc.value.code == "rate_limited"
    comment(consultation, other_citizen)  # someone else is not limited
    Comment.objects.filter(author=citizen).update(created_at=timezone.now() - datetime.timedelta(minutes=61))
    comment(consultation, citizen)  # an hour later


def test_hiding_needs_a_reason(consultation: Consultation, citizen, moderator) -> None:  # type: ignore[no-untyped-def]
    made = comment(consultation, citizen)
    with pytest.raises(ValidationError) as exc:
        services.comment_moderate(actor=moderator, comment=made, hide=True, reason="  ")
    assert exc.value.code == "reason_required"
    hidden = services.comment_moderate(actor=moderator, comment=made, hide=True, reason="ໂຄສະນາ")
    assert hidden.status == Comment.Status.HIDDEN
    assert hidden.moderated_by == moderator
    assert audit_events_for(made).filter(action="consultation.comment_hide").exists()
    shown = services.comment_moderate(actor=moderator, comment=made, hide=False)
    assert shown.status == Comment.Status.PUBLISHED


def test_only_staff_of_the_agency_moderate(consultation: Consultation, citizen, foreign_admin) -> None:  # type: ignore[no-untyped-def]
    made = comment(consultation, citizen)
    for actor in (citizen, foreign_admin):
        with pytest.raises(PermissionDenied):
            services.comment_moderate(actor=actor, comment=made, hide=True, reason="x")


def test_response_only_after_close(consultation: Consultation, citizen, agency_admin) -> None:  # type: ignore[no-untyped-def]
    made = comment(consultation, citizen, article=article(consultation, 3))
    with pytest.raises(ValidationError) as exc:
        services.response_publish(actor=agency_admin, consultation=consultation, text_lo="ພວກເຮົາໄດ້ປ່ຽນ")
    assert exc.value.code == "not_closed"
    closed = services.consultation_close(actor=agency_admin, consultation=consultation)
    response = services.response_publish(
        actor=agency_admin,
        consultation=closed,
        article=article(closed, 3),
        text_lo="ພວກເຮົາຫຼຸດເປັນ 30 ວັນ",
        comments=[made],
    )
    assert list(response.comments.all()) == [made]
    closed.refresh_from_db()
    assert closed.response_published_at == response.published_at


def test_response_refuses_comments_of_another_consultation(closed_consultation, agency, agency_admin, citizen) -> None:  # type: ignore[no-untyped-def]
    other_draft = services.draft_create(
        actor=agency_admin, agency=agency, kind="law", slug="other", title_lo="ອື່ນ", articles=ARTICLES
    )
    other = services.consultation_open(actor=agency_admin, version=other_draft.versions.get())
    foreign = comment(other, citizen)
    with pytest.raises(ValidationError):
        services.response_publish(
            actor=agency_admin, consultation=closed_consultation, text_lo="ຕອບ", comments=[foreign]
        )


def test_next_version_links_changes_to_comments(consultation: Consultation, citizen, agency_admin) -> None:  # type: ignore[no-untyped-def]
    on_time_limit = comment(consultation, citizen, article=article(consultation, 3))
    services.consultation_close(actor=agency_admin, consultation=consultation)
    draft = consultation.version.draft
    new_articles = [
        ARTICLES[0],
        ArticleData(2, "ການຍື່ນຄຳຮ້ອງ", "ຍື່ນຄຳຮ້ອງທາງອອນລາຍໄດ້.", "Application", "Apply online."),
        ArticleData(3, "ໄລຍະເວລາ", "ພິຈາລະນາພາຍໃນ 30 ວັນ.", "Time limit", "Decided within 30 days."),
        ArticleData(4, "ຜົນບັງຄັບໃຊ້", "ມີຜົນນັບແຕ່ວັນລົງລາຍເຊັນ.", "Entry into force", "In force when signed."),
    ]
    version = services.version_publish(
        actor=agency_admin, draft=draft, articles=new_articles, comment_links={3: [on_time_limit]}, notes={3: "30"}
    )
    assert version.number == 2
    changes = ArticleChange.objects.filter(to_article__version=version)
    assert {(c.from_article.number if c.from_article else None, c.to_article.number) for c in changes} == {
        (3, 3),
        (None, 4),
    }
    assert list(changes.get(to_article__number=3).comments.all()) == [on_time_limit]


def test_comments_cannot_be_linked_to_an_unchanged_article(consultation, citizen, agency_admin) -> None:  # type: ignore[no-untyped-def]
    made = comment(consultation, citizen, article=article(consultation, 1))
    with pytest.raises(ValidationError) as exc:
        services.version_publish(
            actor=agency_admin, draft=consultation.version.draft, articles=ARTICLES, comment_links={1: [made]}
        )
    assert exc.value.code == "unchanged_article"
