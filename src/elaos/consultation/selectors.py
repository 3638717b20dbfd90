"""Reads of public consultation, already filtered to what the public may see."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.safestring import SafeString

from elaos.consultation.diff import diff_html
from elaos.consultation.models import Article, ArticleChange, Comment, Consultation, Draft, DraftVersion, Response

PUBLISHED = Q(comments__status=Comment.Status.PUBLISHED)


def consultation_list() -> QuerySet[Consultation]:
    """Every public consultation: open ones first (closing soonest first), then those about to open, then closed
    ones (most recently closed first); with the number of published comments."""
    now = timezone.now()
    return (
        Consultation.objects.active()
        .filter(version__draft__archived_at__isnull=True)
        .select_related("version__draft__agency")
        .annotate(
            comment_count=Count("comments", filter=PUBLISHED),
            status_rank=Case(
                When(opens_at__gt=now, then=Value(1)),
                When(closes_at__gt=now, then=Value(0)),
                default=Value(2),
                output_field=IntegerField(),
            ),
        )
        .order_by("status_rank", "closes_at", "pk")
    )


def sorted_for_display(consultations: QuerySet[Consultation]) -> list[Consultation]:
    """Closed consultations read best newest first; the database orders every group by closing date."""
    items = list(consultations)
    open_and_upcoming = [c for c in items if c.status_rank < 2]  # type: ignore[attr-defined]
    closed = sorted((c for c in items if c.status_rank == 2), key=lambda c: c.closes_at, reverse=True)  # type: ignore[attr-defined]
    return open_and_upcoming + closed


def draft_public(slug: str) -> Draft:
    draft = Draft.objects.active().select_related("agency").filter(slug=slug).first()
    if draft is None:
        raise Http404
    return draft


def consultation_current(draft: Draft) -> Consultation:
    """The draft's latest consultation; a draft never put to consultation is not public."""
    consultation = (
        Consultation.objects.active()
        .filter(version__draft=draft)
        .select_related("version__draft__agency")
        .order_by("-opens_at", "-pk")
        .first()
    )
    if consultation is None:
        raise Http404
    return consultation


def consultation_public(slug: str) -> Consultation:
    return consultation_current(draft_public(slug))


def articles(version: DraftVersion) -> list[Article]:
    return list(version.articles.order_by("order", "number"))


def published_comments(consultation: Consultation) -> QuerySet[Comment]:
    return (
        consultation.comments.filter(status=Comment.Status.PUBLISHED)
        .select_related("article")
        .order_by("created_at", "pk")
    )


def comments_on_page(consultation: Consultation) -> QuerySet[Comment]:
    """Published and hidden comments: a hidden comment shows only the moderator's reason, never its text."""
    return consultation.comments.select_related("article").order_by("created_at", "pk")


@dataclass
class Tally:
    count: int = 0
    support: int = 0
    oppose: int = 0
    neutral: int = 0


def tallies(consultation: Consultation) -> tuple[dict[int | None, Tally], Tally]:
    """Published comments by article id (None: on the whole draft), and over the whole consultation."""
    by_article: dict[int | None, Tally] = defaultdict(Tally)
    total = Tally()
    rows = (
        consultation.comments.filter(status=Comment.Status.PUBLISHED)
        .values("article_id", "stance")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        for tally in (by_article[row["article_id"]], total):
            tally.count += row["n"]
            setattr(tally, row["stance"], getattr(tally, row["stance"]) + row["n"])
    return dict(by_article), total


def responses(consultation: Consultation) -> QuerySet[Response]:
    return consultation.responses.select_related("article").prefetch_related("comments").order_by("published_at", "pk")


@dataclass
class ArticleDiff:
    number: int
    before: Article | None
    after: Article | None
    heading_lo: SafeString
    heading_en: SafeString
    text_lo: SafeString
    text_en: SafeString
    changed: bool
    changes: list[ArticleChange] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)

    @property
    def kind(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "changed" if self.changed else "unchanged"


def version_by_number(draft: Draft, number: int) -> DraftVersion:
    version = draft.versions.filter(number=number).first()
    if version is None:
        raise Http404
    return version


def version_diff(draft: Draft, before: DraftVersion, after: DraftVersion) -> list[ArticleDiff]:
    """Each article of either version, in the order of the later one, with its differences; under a changed
    article, the recorded changes between the two versions and the published comments that led to them."""
    old = {a.number: a for a in articles(before)}
    new = {a.number: a for a in articles(after)}
    low, high = sorted((before.number, after.number))
    changes_by_number: dict[int, list[ArticleChange]] = defaultdict(list)
    if low != high:
        recorded = (
            ArticleChange.objects.filter(
                Q(
                    to_article__version__draft=draft,
                    to_article__version__number__gt=low,
                    to_article__version__number__lte=high,
                )
                | Q(
                    to_article__isnull=True,
                    from_article__version__draft=draft,
                    from_article__version__number__gte=low,
                    from_article__version__number__lt=high,
                )
            )
            .select_related("from_article", "to_article")
            .prefetch_related("comments__article")
        )
        for change in recorded:
            article = change.to_article or change.from_article
            changes_by_number[article.number].append(change)  # type: ignore[union-attr]
    numbers = list(new) + [n for n in old if n not in new]
    result = []
    for number in numbers:
        a, b = old.get(number), new.get(number)
        pieces = {}
        changed = False
        for name in ("heading_lo", "heading_en", "text_lo", "text_en"):
            html, differs = diff_html(getattr(a, name, "") if a else "", getattr(b, name, "") if b else "")
            pieces[name] = html
            changed = changed or differs
        changes = changes_by_number.get(number, []) if changed else []
        comments = list(
            {
                c.pk: c for change in changes for c in change.comments.all() if c.status == Comment.Status.PUBLISHED
            }.values()
        )
        result.append(
            ArticleDiff(number=number, before=a, after=b, changed=changed, changes=changes, comments=comments, **pieces)
        )
    return result
