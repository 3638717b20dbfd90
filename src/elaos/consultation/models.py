"""Public consultation on drafts of laws, decrees and policies: the draft and its versions, article by article;
the consultation period; citizens' comments; the agency's published responses ("you said, we did"); and the
changes in the next version linked to the comments that led to them."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from elaos.core.models import BaseModel

# Paths under /consultations/ that a draft's slug must not take.
RESERVED_SLUGS = {"manage"}


class Draft(BaseModel):
    """A draft law, decree or policy, published by one agency for consultation."""

    class Kind(models.TextChoices):
        LAW = "law", _("Law")
        DECREE = "decree", _("Decree")
        POLICY = "policy", _("Policy")
        OTHER = "other", _("Other")

    agency = models.ForeignKey(
        "agencies.Organisation", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="drafts"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    slug = models.SlugField(_("short name in the address"), max_length=80, unique=True)
    title_lo = models.CharField(_("title (Lao)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    summary_lo = models.TextField(_("summary (Lao)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")

    def __str__(self) -> str:
        return self.title_lo

    def clean(self) -> None:
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("This short name is reserved; choose another.")})


class DraftVersion(BaseModel):
    draft = models.ForeignKey(Draft, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["draft", "number"]
        constraints = [models.UniqueConstraint(fields=["draft", "number"], name="draft_version_unique_number")]
        verbose_name = _("draft version")
        verbose_name_plural = _("draft versions")

    def __str__(self) -> str:
        return f"{self.draft.slug} v{self.number}"


class Article(models.Model):
    """One article of one version; articles of different versions with the same number are the same article."""

    version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="articles")
    number = models.PositiveIntegerField(_("article number"))
    order = models.PositiveIntegerField(default=0)
    heading_lo = models.CharField(_("heading (Lao)"), max_length=300)
    heading_en = models.CharField(_("heading (English)"), max_length=300, blank=True)
    text_lo = models.TextField(_("text (Lao)"))
    text_en = models.TextField(_("text (English)"), blank=True)

    class Meta:
        ordering = ["version", "order", "number"]
        constraints = [models.UniqueConstraint(fields=["version", "number"], name="article_unique_number")]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return f"{self.number}. {self.heading_lo}"


def default_period_days() -> int:
    # The Law on Making Legislation sets 60 days of public consultation unless a shorter period is justified.
    return int(getattr(settings, "CONSULTATION_DEFAULT_DAYS", 60))


class Consultation(BaseModel):
    """The period in which one draft version is open to public comment. Its status follows from the clock."""

    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("Not open yet")
        OPEN = "open", _("Open for comments")
        CLOSED = "closed", _("Closed")

    version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="consultations")
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    response_published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="consultation_closes_after_opening"
            )
        ]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return f"{self.version} {self.opens_at:%Y-%m-%d}–{self.closes_at:%Y-%m-%d}"

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("A consultation closes after it opens.")})

    def status_at(self, moment: datetime.datetime) -> str:
        if moment < self.opens_at:
            return self.Status.UPCOMING
        if moment < self.closes_at:
            return self.Status.OPEN
        return self.Status.CLOSED

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())

    @property
    def days_left(self) -> int:
        """Whole days until closing, counting a started day; 0 once closed."""
        left = self.closes_at - timezone.now()
        if left <= datetime.timedelta(0):
            return 0
        return left.days + (1 if left % datetime.timedelta(days=1) else 0)


class Comment(BaseModel):
    class Stance(models.TextChoices):
        SUPPORT = "support", _("Support")
        OPPOSE = "oppose", _("Oppose")
        NEUTRAL = "neutral", _("Neutral")

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        HIDDEN = "hidden", _("Hidden by the moderator")

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="comments")
    article = models.ForeignKey(
        Article, verbose_name=_("article"), null=True, blank=True, on_delete=models.PROTECT, related_name="comments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The name the author chose to show (their full name); empty when they chose not to, shown as "Citizen".
    display_name = models.CharField(max_length=200, blank=True)
    # The NPA register belongs to another domain: the name as given, and its public id when one is linked.
    npa_name = models.CharField(_("on behalf of the association"), max_length=300, blank=True)
    npa_id = models.UUIDField(null=True, blank=True)
    stance = models.CharField(_("your position"), max_length=10, choices=Stance.choices)
    text = models.TextField(_("comment"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    moderation_reason = models.TextField(blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["consultation", "status"]),
            models.Index(fields=["consultation", "author", "created_at"]),
        ]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"{self.display_name or '-'}: {self.text[:40]}"

    @property
    def is_hidden(self) -> bool:
        return self.status == self.Status.HIDDEN


class Response(BaseModel):
    """The agency's answer to the comments on one article (or on the whole draft): "you said, we did"."""

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="responses")
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.PROTECT, related_name="responses")
    text_lo = models.TextField(_("response (Lao)"))
    text_en = models.TextField(_("response (English)"), blank=True)
    comments = models.ManyToManyField(Comment, blank=True, related_name="responses")
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["published_at", "pk"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self) -> str:
        return self.text_lo[:60]


class ArticleChange(BaseModel):
    """How one article changed from one version to the next, and the comments that led to the change.
    `from_article` is empty for a new article, `to_article` for a removed one."""

    from_article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.PROTECT, related_name="changes_from"
    )
    to_article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.PROTECT, related_name="changes_to")
    comments = models.ManyToManyField(Comment, blank=True, related_name="changes")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(from_article__isnull=False) | models.Q(to_article__isnull=False),
                name="article_change_has_an_article",
            )
        ]
        verbose_name = _("article change")
        verbose_name_plural = _("article changes")

    def __str__(self) -> str:
        return f"{self.from_article_id} → {self.to_article_id}"
