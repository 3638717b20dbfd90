"""Input and output shapes of the consultation API, one per operation."""

import datetime
import uuid
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Schema


class ErrorOut(Schema):
    code: str = Field(description="A stable machine code: not_found…")
    message: str = Field(description="A sentence in the request's language.")


class DraftAgencyOut(Schema):
    code: str
    name_lo: str
    name_en: str


class TallyOut(Schema):
    count: int = Field(description="Published comments.", examples=[12])
    support: int
    oppose: int
    neutral: int


class ConsultationListOut(Schema):
    slug: str = Field(
        description="The draft's short name: /consultations/{slug}/ on the site.",
        examples=["law-on-civil-registration"],
    )
    kind: str = Field(description="law, decree, policy or other.", examples=["law"])
    title_lo: str
    title_en: str
    agency: DraftAgencyOut
    version: int = Field(description="The number of the draft version under consultation.")
    status: str = Field(description="upcoming, open or closed.")
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    days_left: int = Field(description="Whole days until closing; 0 once closed.")
    comment_count: int = Field(description="Published comments.")


class ArticleOut(Schema):
    number: int
    heading_lo: str
    heading_en: str
    text_lo: str
    text_en: str
    tally: TallyOut


class ResponseOut(Schema):
    article: int | None = Field(description="The article number; null for the whole draft.")
    text_lo: str
    text_en: str
    comments: list[uuid.UUID] = Field(description="The published comments this response answers.")
    published_at: datetime.datetime


class ConsultationDetailOut(ConsultationListOut):
    summary_lo: str
    summary_en: str
    versions: list[int] = Field(description="Every published version number of the draft.")
    articles: list[ArticleOut]
    whole_draft: TallyOut = Field(description="Comments on the whole draft rather than one article.")
    total: TallyOut
    responses: list[ResponseOut] = Field(description='"You said, we did": published after the consultation closes.')


class CommentOut(Schema):
    id: uuid.UUID
    article: int | None = Field(description="The article number; null for the whole draft.")
    stance: str = Field(description="support, oppose or neutral.", examples=["support"])
    display_name: str = Field(description='The name the commenter chose to show, or "Citizen".')
    npa_name: str = Field(description="The association the commenter speaks for, if any.")
    text: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_id(comment: Any) -> uuid.UUID:
        return comment.public_id

    @staticmethod
    def resolve_article(comment: Any) -> int | None:
        return comment.article.number if comment.article else None

    @staticmethod
    def resolve_display_name(comment: Any) -> str:
        return comment.display_name or _("Citizen")
