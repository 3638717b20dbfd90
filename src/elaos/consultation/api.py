"""The public consultation API: read-only, for anyone. Only published comments are ever returned."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Path, Router
from ninja.pagination import paginate

from elaos.consultation import selectors
from elaos.consultation.models import Comment, Consultation
from elaos.consultation.schemas import (
    ArticleOut,
    CommentOut,
    ConsultationDetailOut,
    ConsultationListOut,
    DraftAgencyOut,
    ErrorOut,
    ResponseOut,
    TallyOut,
)

router = Router(tags=["consultations"])


def _tally(tally: selectors.Tally) -> TallyOut:
    return TallyOut(count=tally.count, support=tally.support, oppose=tally.oppose, neutral=tally.neutral)


def _list_fields(consultation: Consultation, comment_count: int) -> dict:
    draft = consultation.version.draft
    return {
        "slug": draft.slug,
        "kind": draft.kind,
        "title_lo": draft.title_lo,
        "title_en": draft.title_en,
        "agency": DraftAgencyOut(code=draft.agency.code, name_lo=draft.agency.name_lo, name_en=draft.agency.name_en),
        "version": consultation.version.number,
        "status": consultation.status,
        "opens_at": consultation.opens_at,
        "closes_at": consultation.closes_at,
        "days_left": consultation.days_left,
        "comment_count": comment_count,
    }


@router.get("/consultations", response=list[ConsultationListOut], summary="Public consultations on drafts")
@paginate
def consultation_list(request: HttpRequest) -> list[ConsultationListOut]:
    """Open consultations first (closing soonest first), then those about to open, then closed ones."""
    return [
        ConsultationListOut(**_list_fields(c, c.comment_count))  # type: ignore[attr-defined]
        for c in selectors.sorted_for_display(selectors.consultation_list())
    ]


@router.get(
    "/consultations/{slug}",
    response={200: ConsultationDetailOut, 404: ErrorOut},
    summary="One consultation: the draft, its articles, tallies and responses",
)
def consultation_detail(
    request: HttpRequest,
    slug: str = Path(description="The draft's short name", examples=["decree-associations-amendment"]),
) -> ConsultationDetailOut:
    consultation = selectors.consultation_public(slug)
    draft = consultation.version.draft
    by_article, total = selectors.tallies(consultation)
    closed = consultation.status == Consultation.Status.CLOSED
    published = set(selectors.published_comments(consultation).values_list("pk", flat=True))
    return ConsultationDetailOut(
        **_list_fields(consultation, total.count),
        summary_lo=draft.summary_lo,
        summary_en=draft.summary_en,
        versions=list(draft.versions.order_by("number").values_list("number", flat=True)),
        articles=[
            ArticleOut(
                number=a.number,
                heading_lo=a.heading_lo,
                heading_en=a.heading_en,
                text_lo=a.text_lo,
                text_en=a.text_en,
                tally=_tally(by_article.get(a.pk, selectors.Tally())),
            )
            for a in selectors.articles(consultation.version)
        ],
        whole_draft=_tally(by_article.get(None, selectors.Tally())),
        total=_tally(total),
        responses=[
            ResponseOut(
                article=r.article.number if r.article else None,
                text_lo=r.text_lo,
                text_en=r.text_en,
                comments=[c.public_id for c in r.comments.all() if c.pk in published],
                published_at=r.published_at,
            )
            for r in (selectors.responses(consultation) if closed else [])
        ],
    )


@router.get(
    "/consultations/{slug}/comments",
    response={200: list[CommentOut], 404: ErrorOut},
    summary="The published comments of a consultation, oldest first",
)
@paginate
def comment_list(
    request: HttpRequest,
    slug: str = Path(description="The draft's short name", examples=["decree-associations-amendment"]),
) -> QuerySet[Comment]:
    return selectors.published_comments(selectors.consultation_public(slug))
