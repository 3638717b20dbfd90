"""Pages of public consultation: the list, a draft with its articles and comments, the differences between
versions, the comment downloads; and the agency's pages under /consultations/manage/."""

import csv
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from elaos.consultation import access, selectors, services
from elaos.consultation.forms import (
    CommentForm,
    DraftForm,
    ModerateForm,
    OpenForm,
    ResponseForm,
    VersionForm,
    format_articles,
)
from elaos.consultation.models import Comment, Consultation, Draft
from elaos.core.cache import public_page
from elaos.core.decorators import staff_required

WHOLE_DRAFT = "whole"


def _target(article_number: int | None) -> str:
    return f"a{article_number}" if article_number is not None else WHOLE_DRAFT


@public_page()
def consultation_list(request: HttpRequest) -> HttpResponse:
    consultations = selectors.sorted_for_display(selectors.consultation_list())
    return render(request, "consultation/list.html", {"consultations": consultations})


@public_page()
def consultation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = selectors.consultation_public(slug)
    version = consultation.version
    draft = version.draft
    articles = selectors.articles(version)
    bound_target, bound_form = None, None
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        bound_target = request.POST.get("target", WHOLE_DRAFT)
        article = None
        if bound_target != WHOLE_DRAFT:
            article = next((a for a in articles if _target(a.number) == bound_target), None)
            if article is None:
                raise Http404
        bound_form = CommentForm(request.POST, prefix=bound_target)
        if bound_form.is_valid():
            try:
                comment = services.comment_add(
                    actor=request.user,
                    consultation=consultation,
                    article=article,
                    stance=bound_form.cleaned_data["stance"],
                    text=bound_form.cleaned_data["text"],
                    show_name=bound_form.cleaned_data["show_name"],
                    npa_name=bound_form.cleaned_data["npa_name"],
                )
            except ValidationError as exc:
                bound_form.add_error(None, exc)
            else:
                messages.success(request, _("Thank you. Your comment is published."))
                return redirect(f"{reverse('consultation:detail', args=[draft.slug])}#comment-{comment.public_id}")

    def form_for(article_number: int | None) -> CommentForm:
        target = _target(article_number)
        if bound_form is not None and target == bound_target:
            return bound_form
        return CommentForm(prefix=target)

    by_article, total = selectors.tallies(consultation)
    comments = list(selectors.comments_on_page(consultation))
    responses = list(selectors.responses(consultation)) if consultation.status == Consultation.Status.CLOSED else []
    sections = [
        {
            "article": article,
            "target": _target(article.number),
            "tally": by_article.get(article.pk, selectors.Tally()),
            "comments": [c for c in comments if c.article_id == article.pk],
            "responses": [r for r in responses if r.article_id == article.pk],
            "form": form_for(article.number),
        }
        for article in articles
    ]
    whole = {
        "target": WHOLE_DRAFT,
        "tally": by_article.get(None, selectors.Tally()),
        "comments": [c for c in comments if c.article_id is None],
        "responses": [r for r in responses if r.article_id is None],
        "form": form_for(None),
    }
    later_versions = list(draft.versions.filter(number__gt=version.number).order_by("number"))
    context = {
        "consultation": consultation,
        "draft": draft,
        "version": version,
        "sections": sections,
        "whole": whole,
        "total": total,
        "is_open": consultation.status == Consultation.Status.OPEN,
        "bound_target": bound_target,
        "later_versions": later_versions,
    }
    status = 400 if bound_form is not None and bound_form.errors else 200
    return render(request, "consultation/detail.html", context, status=status)


def _int_param(request: HttpRequest, name: str, default: int) -> int:
    value = request.GET.get(name, "")
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise Http404 from exc


def consultation_diff(request: HttpRequest, slug: str) -> HttpResponse:
    draft = selectors.draft_public(slug)
    selectors.consultation_current(draft)
    versions = list(draft.versions.order_by("number"))
    latest = versions[-1].number
    before = selectors.version_by_number(draft, _int_param(request, "from", max(1, latest - 1)))
    after = selectors.version_by_number(draft, _int_param(request, "to", latest))
    diffs = selectors.version_diff(draft, before, after)
    context = {
        "draft": draft,
        "versions": versions,
        "before": before,
        "after": after,
        "diffs": diffs,
        "changed_count": sum(1 for d in diffs if d.changed),
    }
    return render(request, "consultation/diff.html", context)


def _comment_rows(consultation: Consultation) -> list[dict[str, Any]]:
    return [
        {
            "id": str(c.public_id),
            "created_at": c.created_at.isoformat(),
            "article": c.article.number if c.article else None,
            "article_heading_lo": c.article.heading_lo if c.article else "",
            "stance": c.stance,
            "display_name": c.display_name or _("Citizen"),
            "npa_name": c.npa_name,
            "text": c.text,
        }
        for c in selectors.published_comments(consultation)
    ]


def _csv_cell(value: object) -> object:
    # Spreadsheets run cells that start with these as formulas; a leading apostrophe shows them as text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def comments_csv(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = selectors.consultation_public(slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-comments.csv"'
    # A byte-order mark makes spreadsheet programs read the Lao text as UTF-8.
    response.write("\ufeff")
    rows = _comment_rows(consultation)
    fields = ["id", "created_at", "article", "article_heading_lo", "stance", "display_name", "npa_name", "text"]
    writer = csv.DictWriter(response, fieldnames=fields)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_cell(v) for k, v in row.items()})
    return response


def comments_json(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = selectors.consultation_public(slug)
    draft = consultation.version.draft
    body = {
        "draft": {"slug": draft.slug, "title_lo": draft.title_lo, "title_en": draft.title_en},
        "version": consultation.version.number,
        "opens_at": consultation.opens_at.isoformat(),
        "closes_at": consultation.closes_at.isoformat(),
        "status": consultation.status,
        "comments": _comment_rows(consultation),
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="{slug}-comments.json"'
    return response


# The agency's pages. A draft the staff member may not handle answers 404, like one that does not exist.


def _staff_draft(request: HttpRequest, slug: str, *, manage: bool) -> Draft:
    draft = access.staff_drafts(request.user).filter(slug=slug).first()
    if draft is None:
        raise Http404
    allowed = access.can_manage if manage else access.can_moderate
    if not allowed(request.user, draft.agency):
        raise Http404
    return draft


def _latest_consultation(draft: Draft) -> Consultation | None:
    return Consultation.objects.active().filter(version__draft=draft).order_by("-opens_at", "-pk").first()


@staff_required
def manage_index(request: HttpRequest) -> HttpResponse:
    drafts = list(access.staff_drafts(request.user))
    if not drafts and not access.manageable_agencies(request.user).exists():
        raise Http404
    for draft in drafts:
        draft.current = _latest_consultation(draft)  # type: ignore[attr-defined]
    context = {"drafts": drafts, "can_create": access.manageable_agencies(request.user).exists()}
    return render(request, "consultation/manage/index.html", context)


@staff_required
def manage_draft_new(request: HttpRequest) -> HttpResponse:
    agencies = access.manageable_agencies(request.user)
    if not agencies.exists():
        raise Http404
    form = DraftForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            draft = services.draft_create(
                actor=request.user,
                agency=data["agency"],
                kind=data["kind"],
                slug=data["slug"],
                title_lo=data["title_lo"],
                title_en=data["title_en"],
                summary_lo=data["summary_lo"],
                summary_en=data["summary_en"],
                articles=data["articles"],
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The draft is saved as version 1. Open it for comments when you are ready."))
            return redirect("consultation:manage_draft", slug=draft.slug)
    status = 400 if form.errors else 200
    return render(request, "consultation/manage/draft_new.html", {"form": form}, status=status)


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@staff_required
def manage_draft(request: HttpRequest, slug: str) -> HttpResponse:
    draft = _staff_draft(request, slug, manage=False)
    consultation = _latest_consultation(draft)
    open_form = OpenForm(request.POST or None) if request.method == "POST" else OpenForm()
    if request.method == "POST":
        if not access.can_manage(request.user, draft.agency):
            raise Http404
        action = request.POST.get("action")
        try:
            if action == "open" and open_form.is_valid():
                services.consultation_open(
                    actor=request.user,
                    version=draft.versions.order_by("-number").first(),  # type: ignore[arg-type]
                    closes_at=timezone.now() + timedelta(days=open_form.cleaned_data["days"]),
                )
                messages.success(request, _("The consultation is open."))
                return redirect("consultation:manage_draft", slug=slug)
            if action == "close" and consultation is not None:
                services.consultation_close(actor=request.user, consultation=consultation)
                messages.success(request, _("The consultation is closed."))
                return redirect("consultation:manage_draft", slug=slug)
        except ValidationError as exc:
            open_form.add_error(None, exc)
    versions = list(draft.versions.order_by("number"))
    context = {
        "draft": draft,
        "consultation": consultation,
        "versions": versions,
        "open_form": open_form,
        "can_manage": access.can_manage(request.user, draft.agency),
        "can_open": consultation is None or consultation.status == Consultation.Status.CLOSED,
    }
    return render(request, "consultation/manage/draft.html", context, status=400 if open_form.errors else 200)


@staff_required
def manage_moderate(request: HttpRequest, slug: str) -> HttpResponse:
    draft = _staff_draft(request, slug, manage=False)
    consultation = _latest_consultation(draft)
    if consultation is None:
        raise Http404
    failed_id, failed_form = None, None
    if request.method == "POST":
        comment = consultation.comments.filter(public_id=request.POST.get("comment") or None).first()
        if comment is None:
            raise Http404
        form = ModerateForm(request.POST, prefix=str(comment.public_id))
        if form.is_valid():
            try:
                services.comment_moderate(
                    actor=request.user,
                    comment=comment,
                    hide=request.POST.get("action") == "hide",
                    reason=form.cleaned_data["reason"],
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_error("reason", exc)
            else:
                messages.success(request, _("The comment is updated."))
                return redirect(f"{reverse('consultation:manage_moderate', args=[slug])}#c-{comment.public_id}")
        failed_id, failed_form = comment.pk, form
    rows = [
        (c, failed_form if c.pk == failed_id else ModerateForm(prefix=str(c.public_id)))
        for c in selectors.comments_on_page(consultation)
    ]
    context = {"draft": draft, "consultation": consultation, "rows": rows}
    return render(request, "consultation/manage/moderate.html", context, status=400 if failed_form else 200)


@staff_required
def manage_responses(request: HttpRequest, slug: str) -> HttpResponse:
    draft = _staff_draft(request, slug, manage=True)
    consultation = _latest_consultation(draft)
    if consultation is None:
        raise Http404
    articles = selectors.articles(consultation.version)
    form = ResponseForm(request.POST or None, articles=articles, comments=selectors.published_comments(consultation))
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["article"]
        article = next((a for a in articles if a.number == number), None)
        try:
            services.response_publish(
                actor=request.user,
                consultation=consultation,
                article=article,
                text_lo=form.cleaned_data["text_lo"],
                text_en=form.cleaned_data["text_en"],
                comments=form.cleaned_data["comments"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The response is published."))
            return redirect("consultation:manage_responses", slug=slug)
    context = {
        "draft": draft,
        "consultation": consultation,
        "form": form,
        "responses": selectors.responses(consultation),
        "is_closed": consultation.status == Consultation.Status.CLOSED,
    }
    return render(request, "consultation/manage/responses.html", context, status=400 if form.errors else 200)


@staff_required
def manage_version_new(request: HttpRequest, slug: str) -> HttpResponse:
    draft = _staff_draft(request, slug, manage=True)
    latest = draft.versions.order_by("-number").first()
    consultation = _latest_consultation(draft)
    comments = (
        selectors.published_comments(consultation)
        if consultation is not None and consultation.version_id == getattr(latest, "pk", None)
        else Comment.objects.none()
    )
    initial = {}
    if latest is not None:
        articles = selectors.articles(latest)
        initial = {"articles_lo": format_articles(articles, "lo"), "articles_en": format_articles(articles, "en")}
    form = VersionForm(request.POST or None, initial=initial, comments=comments)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changed_numbers = _changed_numbers(latest, data["articles"])
        links: dict[int, list[Comment]] = {}
        for comment in data["comments"]:
            targets = [comment.article.number] if comment.article else sorted(changed_numbers)
            for number in targets:
                links.setdefault(number, []).append(comment)
        notes = dict.fromkeys(changed_numbers, data["note"]) if data["note"] else {}
        try:
            version = services.version_publish(
                actor=request.user, draft=draft, articles=data["articles"], comment_links=links, notes=notes
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Version %(number)s is published.") % {"number": version.number})
            return redirect("consultation:manage_draft", slug=slug)
    context = {"draft": draft, "form": form, "latest": latest}
    return render(request, "consultation/manage/version_new.html", context, status=400 if form.errors else 200)


def _changed_numbers(latest: Any, articles: list[services.ArticleData]) -> set[int]:
    if latest is None:
        return set()
    old = {a.number: a for a in latest.articles.all()}
    new = {a.number: a for a in articles}
    changed = set(old.keys() ^ new.keys())
    for number in old.keys() & new.keys():
        a, b = old[number], new[number]
        if (a.heading_lo, a.heading_en, a.text_lo, a.text_en) != (
            b.heading_lo.strip(),
            b.heading_en.strip(),
            b.text_lo.strip(),
            b.text_en.strip(),
        ):
            changed.add(number)
    return changed
