"""Writes of public consultation. Each checks who acts, changes rows, and appends an audit event in the same
transaction. Refusals are a PermissionDenied (the caller answers 404) or a ValidationError with a stable code."""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from elaos.agencies.models import Organisation
from elaos.consultation.access import can_manage, can_moderate
from elaos.consultation.models import (
    Article,
    ArticleChange,
    Comment,
    Consultation,
    Draft,
    DraftVersion,
    Response,
    default_period_days,
)
from elaos.core.audit import audit_record
from elaos.search.services import search_index

COMMENT_MIN_LENGTH = 5
COMMENT_MAX_LENGTH = 5000
COMMENTS_PER_HOUR = 10


@dataclass(frozen=True)
class ArticleData:
    number: int
    heading_lo: str
    text_lo: str
    heading_en: str = ""
    text_en: str = ""


def _require_manager(actor: Any, agency: Organisation) -> None:
    if not can_manage(actor, agency):
        raise PermissionDenied


def _create_articles(version: DraftVersion, articles: Sequence[ArticleData]) -> list[Article]:
    if not articles:
        raise ValidationError(_("A draft needs at least one article."), code="no_articles")
    numbers = [a.number for a in articles]
    if len(set(numbers)) != len(numbers):
        raise ValidationError(_("Two articles have the same number."), code="duplicate_article")
    created = []
    for order, data in enumerate(articles, start=1):
        article = Article(
            version=version,
            number=data.number,
            order=order,
            heading_lo=data.heading_lo.strip(),
            heading_en=data.heading_en.strip(),
            text_lo=data.text_lo.strip(),
            text_en=data.text_en.strip(),
        )
        article.full_clean()
        article.save()
        created.append(article)
    return created


def _index(draft: Draft, version: DraftVersion) -> None:
    articles = list(version.articles.all())
    search_index(
        kind="draft",
        key=str(draft.public_id),
        title_lo=draft.title_lo,
        title_en=draft.title_en,
        body_lo=" ".join([draft.summary_lo, *(f"{a.heading_lo} {a.text_lo}" for a in articles)]),
        body_en=" ".join([draft.summary_en, *(f"{a.heading_en} {a.text_en}" for a in articles)]),
        url=f"/consultations/{draft.slug}/",
    )


@transaction.atomic
def draft_create(
    *,
    actor: Any,
    agency: Organisation,
    kind: str,
    slug: str,
    title_lo: str,
    title_en: str = "",
    summary_lo: str = "",
    summary_en: str = "",
    articles: Sequence[ArticleData],
) -> Draft:
    """A new draft with its first version."""
    _require_manager(actor, agency)
    draft = Draft(
        agency=agency,
        kind=kind,
        slug=slug,
        title_lo=title_lo.strip(),
        title_en=title_en.strip(),
        summary_lo=summary_lo.strip(),
        summary_en=summary_en.strip(),
        created_by=actor,
        updated_by=actor,
    )
    draft.full_clean()
    draft.save()
    audit_record(actor=actor, action="consultation.draft_create", obj=draft, data={"slug": slug})
    version_publish(actor=actor, draft=draft, articles=articles)
    return draft


@transaction.atomic
def version_publish(
    *,
    actor: Any,
    draft: Draft,
    articles: Sequence[ArticleData],
    comment_links: Mapping[int, Iterable[Comment]] | None = None,
    notes: Mapping[int, str] | None = None,
) -> DraftVersion:
    """Publish the next version of a draft. Each article that is new, changed or removed since the previous
    version gets an ArticleChange, linked to the comments (by article number) that led to it."""
    _require_manager(actor, draft.agency)
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    previous = draft.versions.order_by("-number").first()
    version = DraftVersion.objects.create(
        draft=draft,
        number=(previous.number + 1) if previous else 1,
        published_at=timezone.now(),
        created_by=actor,
        updated_by=actor,
    )
    new_articles = _create_articles(version, articles)
    comment_links, notes = comment_links or {}, notes or {}
    changed = 0
    if previous is not None:
        changed = _record_changes(previous, new_articles, comment_links, notes)
    elif comment_links:
        raise ValidationError(_("A first version has no earlier comments to link."), code="no_previous_version")
    _index(draft, version)
    audit_record(
        actor=actor,
        action="consultation.version_publish",
        obj=version,
        data={
            "draft": str(draft.public_id),
            "number": version.number,
            "articles": len(new_articles),
            "changed": changed,
        },
    )
    return version


def _record_changes(
    previous: DraftVersion,
    new_articles: list[Article],
    comment_links: Mapping[int, Iterable[Comment]],
    notes: Mapping[int, str],
) -> int:
    old = {a.number: a for a in previous.articles.all()}
    new = {a.number: a for a in new_articles}
    allowed_consultations = set(previous.consultations.values_list("pk", flat=True))
    for number, comments in comment_links.items():
        for comment in comments:
            if comment.consultation_id not in allowed_consultations:
                raise ValidationError(
                    _("A linked comment was not made on the previous version."), code="foreign_comment"
                )
            if number not in new and number not in old:
                raise ValidationError(_("A comment is linked to an article that does not exist."), code="no_article")
    changed = 0
    for number in sorted(old.keys() | new.keys()):
        before, after = old.get(number), new.get(number)
        if before is not None and after is not None and _same_text(before, after):
            if comment_links.get(number):
                raise ValidationError(
                    _("Article %(number)s did not change; its comments cannot be linked to a change.")
                    % {"number": number},
                    code="unchanged_article",
                )
            continue
        change = ArticleChange.objects.create(from_article=before, to_article=after, note=notes.get(number, ""))
        change.comments.set(list(comment_links.get(number, [])))
        changed += 1
    return changed


def _same_text(a: Article, b: Article) -> bool:
    fields = ("heading_lo", "heading_en", "text_lo", "text_en")
    return all(getattr(a, f) == getattr(b, f) for f in fields)


@transaction.atomic
def consultation_open(
    *,
    actor: Any,
    version: DraftVersion,
    opens_at: datetime.datetime | None = None,
    closes_at: datetime.datetime | None = None,
) -> Consultation:
    """Open a version to comment: from now (or `opens_at`) for the default period unless `closes_at` is given."""
    _require_manager(actor, version.draft.agency)
    DraftVersion.objects.select_for_update().get(pk=version.pk)
    now = timezone.now()
    opens_at = opens_at or now
    closes_at = closes_at or opens_at + datetime.timedelta(days=default_period_days())
    if closes_at <= now:
        raise ValidationError(_("The closing date has already passed."), code="closes_in_past")
    running = Consultation.objects.active().filter(version__draft=version.draft, closes_at__gt=now)
    if running.exists():
        raise ValidationError(_("This draft already has a consultation that is open or about to open."), code="running")
    consultation = Consultation(
        version=version, opens_at=opens_at, closes_at=closes_at, created_by=actor, updated_by=actor
    )
    consultation.full_clean()
    consultation.save()
    audit_record(
        actor=actor,
        action="consultation.open",
        obj=consultation,
        data={"version": version.number, "opens_at": opens_at, "closes_at": closes_at},
    )
    return consultation


@transaction.atomic
def consultation_close(*, actor: Any, consultation: Consultation) -> Consultation:
    """Close a consultation now, before its planned date."""
    _require_manager(actor, consultation.version.draft.agency)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    now = timezone.now()
    if consultation.status_at(now) != Consultation.Status.OPEN:
        raise ValidationError(_("Only an open consultation can be closed."), code="not_open")
    consultation.closes_at = now
    consultation.updated_by = actor
    consultation.save(update_fields=["closes_at", "updated_by", "updated_at"])
    audit_record(actor=actor, action="consultation.close", obj=consultation, data={"closes_at": now})
    return consultation


@transaction.atomic
def comment_add(
    *,
    actor: Any,
    consultation: Consultation,
    text: str,
    stance: str,
    article: Article | None = None,
    show_name: bool = True,
    npa_name: str = "",
    npa_id: Any = None,
) -> Comment:
    """A signed-in person comments on the whole draft or one article, while the consultation is open."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    # One comment at a time per person, so that the hourly limit holds under concurrent posts.
    get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
    now = timezone.now()
    status = consultation.status_at(now)
    if status == Consultation.Status.UPCOMING:
        raise ValidationError(
            _("This consultation is not open yet: comments are accepted from its opening date."), code="not_open"
        )
    if status == Consultation.Status.CLOSED:
        raise ValidationError(_("This consultation is closed: comments are no longer accepted."), code="closed")
    if article is not None and article.version_id != consultation.version_id:
        raise ValidationError(_("This article is not part of the draft under consultation."), code="no_article")
    text = text.strip()
    if len(text) < COMMENT_MIN_LENGTH:
        raise ValidationError(_("Write at least %(min)s characters.") % {"min": COMMENT_MIN_LENGTH}, code="too_short")
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationError(_("Write at most %(max)s characters.") % {"max": COMMENT_MAX_LENGTH}, code="too_long")
    recent = Comment.objects.filter(
        consultation=consultation, author=actor, created_at__gte=now - datetime.timedelta(hours=1)
    ).count()
    if recent >= COMMENTS_PER_HOUR:
        raise ValidationError(
            _("You have sent %(limit)s comments on this draft in the last hour. Please wait a while.")
            % {"limit": COMMENTS_PER_HOUR},
            code="rate_limited",
        )
    comment = Comment(
        consultation=consultation,
        article=article,
        author=actor,
        display_name=actor.get_full_name() if show_name else "",
        npa_name=npa_name.strip(),
        npa_id=npa_id,
        stance=stance,
        text=text,
        created_by=actor,
        updated_by=actor,
    )
    comment.full_clean()
    comment.save()
    audit_record(
        actor=actor,
        action="consultation.comment_add",
        obj=comment,
        data={"consultation": str(consultation.public_id), "article": article.number if article else None},
    )
    return comment


@transaction.atomic
def comment_moderate(*, actor: Any, comment: Comment, hide: bool, reason: str = "") -> Comment:
    """Hide a comment (with a reason that is published in its place) or publish it again."""
    if not can_moderate(actor, comment.consultation.version.draft.agency):
        raise PermissionDenied
    reason = reason.strip()
    if hide and not reason:
        raise ValidationError(_("Give the reason for hiding the comment; it is published."), code="reason_required")
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    comment.status = Comment.Status.HIDDEN if hide else Comment.Status.PUBLISHED
    comment.moderation_reason = reason
    comment.moderated_by = actor
    comment.moderated_at = timezone.now()
    comment.updated_by = actor
    comment.save()
    audit_record(
        actor=actor,
        action="consultation.comment_hide" if hide else "consultation.comment_publish",
        obj=comment,
        data={"reason": reason},
    )
    return comment


@transaction.atomic
def response_publish(
    *,
    actor: Any,
    consultation: Consultation,
    text_lo: str,
    text_en: str = "",
    article: Article | None = None,
    comments: Iterable[Comment] = (),
) -> Response:
    """Publish the agency's response to the comments on one article or on the whole draft, once closed."""
    _require_manager(actor, consultation.version.draft.agency)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    now = timezone.now()
    if consultation.status_at(now) != Consultation.Status.CLOSED:
        raise ValidationError(_("Responses are published after the consultation closes."), code="not_closed")
    if article is not None and article.version_id != consultation.version_id:
        raise ValidationError(_("This article is not part of the draft under consultation."), code="no_article")
    comments = list(comments)
    if any(c.consultation_id != consultation.pk for c in comments):
        raise ValidationError(_("A linked comment was not made in this consultation."), code="foreign_comment")
    response = Response(
        consultation=consultation,
        article=article,
        text_lo=text_lo.strip(),
        text_en=text_en.strip(),
        published_at=now,
        created_by=actor,
        updated_by=actor,
    )
    response.full_clean()
    response.save()
    response.comments.set(comments)
    if consultation.response_published_at is None:
        consultation.response_published_at = now
        consultation.save(update_fields=["response_published_at", "updated_at"])
    audit_record(
        actor=actor,
        action="consultation.response_publish",
        obj=response,
        data={
            "consultation": str(consultation.public_id),
            "article": article.number if article else None,
            "comments": [str(c.public_id) for c in comments],
        },
    )
    return response
