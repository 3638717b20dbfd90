"""Forms of the consultation pages. They parse input only; the rules live in services.py."""

import re
from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from elaos.agencies.models import Organisation
from elaos.consultation.models import Article, Comment, Draft, default_period_days
from elaos.consultation.services import COMMENT_MAX_LENGTH, ArticleData

ARTICLE_SEPARATOR = re.compile(r"^\s*---+\s*$", re.MULTILINE)


class CommentForm(forms.Form):
    stance = forms.ChoiceField(
        label=gettext_lazy("Your position"), choices=Comment.Stance.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=gettext_lazy("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Comments are published with the draft. Do not write personal details."),
    )
    show_name = forms.BooleanField(label=gettext_lazy("Show my name"), required=False, initial=True)
    npa_name = forms.CharField(
        label=gettext_lazy("On behalf of an association"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("The name of the non-profit association you speak for, if any."),
    )


def parse_articles(text: str) -> list[tuple[str, str]]:
    """Blocks separated by a line of three dashes; in each, the first line is the heading, the rest the text."""
    articles = []
    for block in ARTICLE_SEPARATOR.split(text):
        lines = block.strip().splitlines()
        if not lines:
            continue
        heading, body = lines[0].strip(), "\n".join(lines[1:]).strip()
        if not body:
            raise ValidationError(_("The article “%(heading)s” has a heading but no text.") % {"heading": heading})
        articles.append((heading, body))
    return articles


def format_articles(articles: Iterable[Article], language: str) -> str:
    return "\n---\n".join(f"{getattr(a, f'heading_{language}')}\n{getattr(a, f'text_{language}')}" for a in articles)


class ArticlesForm(forms.Form):
    articles_lo = forms.CharField(
        label=gettext_lazy("Articles (Lao)"),
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text=gettext_lazy(
            "One article per block. The first line of a block is its heading, the next lines its text. "
            "Separate articles with a line holding only ---."
        ),
    )
    articles_en = forms.CharField(
        label=gettext_lazy("Articles (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text=gettext_lazy("The same articles in the same order, in English."),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if "articles_lo" not in data:
            return data
        lao = parse_articles(data["articles_lo"])
        english = parse_articles(data.get("articles_en") or "")
        if not lao:
            raise ValidationError(_("Write at least one article."))
        if english and len(english) != len(lao):
            raise ValidationError(
                _("The Lao text has %(lo)s articles and the English text %(en)s; they must match.")
                % {"lo": len(lao), "en": len(english)}
            )
        english = english or [("", "")] * len(lao)
        data["articles"] = [
            ArticleData(number=i, heading_lo=lo[0], text_lo=lo[1], heading_en=en[0], text_en=en[1])
            for i, (lo, en) in enumerate(zip(lao, english, strict=True), start=1)
        ]
        return data


class DraftForm(ArticlesForm):
    agency = forms.ModelChoiceField(label=gettext_lazy("Agency"), queryset=Organisation.objects.none())
    kind = forms.ChoiceField(label=gettext_lazy("Kind of draft"), choices=Draft.Kind.choices)
    title_lo = forms.CharField(label=gettext_lazy("Title (Lao)"), max_length=300)
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=300, required=False)
    slug = forms.SlugField(
        label=gettext_lazy("Short name in the address"),
        max_length=80,
        help_text=gettext_lazy("Latin letters, digits and hyphens, such as decree-associations-2025."),
    )
    summary_lo = forms.CharField(
        label=gettext_lazy("Summary (Lao)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    summary_en = forms.CharField(
        label=gettext_lazy("Summary (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    field_order = [
        "agency",
        "kind",
        "title_lo",
        "title_en",
        "slug",
        "summary_lo",
        "summary_en",
        "articles_lo",
        "articles_en",
    ]

    def __init__(self, *args: object, agencies: QuerySet[Organisation], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["agency"].label_from_instance = lambda org: org.name_lo  # type: ignore[attr-defined]


class VersionForm(ArticlesForm):
    comments = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Comments that led to changes"),
        queryset=Comment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Each comment is linked to the change of the article it was about; a comment on the whole draft is "
            "linked to every changed article."
        ),
    )
    note = forms.CharField(
        label=gettext_lazy("Note on the changes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: object, comments: QuerySet[Comment], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["comments"].queryset = comments  # type: ignore[attr-defined]
        self.fields["comments"].label_from_instance = _comment_label  # type: ignore[attr-defined]


def _comment_label(comment: Comment) -> str:
    where = _("Article %(number)s") % {"number": comment.article.number} if comment.article else _("Whole draft")
    return f"{where} — {comment.display_name or _('Citizen')}: {comment.text[:120]}"


class OpenForm(forms.Form):
    days = forms.IntegerField(
        label=gettext_lazy("Days open for comments"),
        min_value=1,
        max_value=365,
        help_text=gettext_lazy("The Law on Making Legislation sets 60 days unless a shorter period is justified."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["days"].initial = default_period_days()


class ModerateForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (published)"), required=False, max_length=500, widget=forms.TextInput()
    )


class ResponseForm(forms.Form):
    article = forms.TypedChoiceField(label=gettext_lazy("Article"), coerce=int, empty_value=None, required=False)
    text_lo = forms.CharField(label=gettext_lazy("Response (Lao)"), widget=forms.Textarea(attrs={"rows": 5}))
    text_en = forms.CharField(
        label=gettext_lazy("Response (English)"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    comments = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Comments answered"),
        queryset=Comment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: object, articles: list[Article], comments: QuerySet[Comment], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["article"].choices = [("", _("Whole draft"))] + [  # type: ignore[attr-defined]
            (a.number, f"{a.number}. {a.heading_lo}") for a in articles
        ]
        self.fields["comments"].queryset = comments  # type: ignore[attr-defined]
        self.fields["comments"].label_from_instance = _comment_label  # type: ignore[attr-defined]
