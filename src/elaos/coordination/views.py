"""Pages of coordination: sector groups and the annual Government–CSO meeting, public; and the pages of those who
run them under .../manage/ (anyone else gets a 404)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from elaos.agencies.models import Organisation, Sector
from elaos.coordination import access, selectors, services
from elaos.coordination.forms import (
    AgendaItemForm,
    AnnualMeetingForm,
    CommitmentForm,
    CommitmentProgressForm,
    GroupMeetingForm,
    MemberAddForm,
    MinutesForm,
    RegistrationForm,
    SectorGroupForm,
    WorkPlanItemForm,
    WorkPlanUpdateForm,
)
from elaos.coordination.models import AnnualMeeting, SectorGroup
from elaos.core.decorators import staff_required


def _call(form: forms.Form, service: Any, **kwargs: Any) -> Any:
    """Run a service for a valid form; its refusals become form errors (or a 404), None is returned then."""
    try:
        return service(**kwargs)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


def _form_action(
    request: HttpRequest,
    actions: dict[str, tuple[str, Any, Any, str]],
    page_forms: dict[str, forms.Form],
    **target: Any,
) -> tuple[forms.Form, bool]:
    """A management page posts one of several forms, named by its `action`: bind that form, run its service on
    `target`, queue the success message. Returns the bound form and whether the service succeeded."""
    spec = actions.get(request.POST.get("action", ""))
    if spec is None:
        raise Http404
    name, make_form, service, done = spec
    bound = page_forms[name] = make_form(request.POST)
    if bound.is_valid() and _call(bound, service, actor=request.user, **target, **bound.cleaned_data):
        messages.success(request, _(done))
        return bound, True
    return bound, False


# The convener: new sector groups and annual meetings


def _sector_group_form(data: Any = None) -> SectorGroupForm:
    return SectorGroupForm(
        data,
        prefix="group",
        sectors=Sector.objects.filter(coordination_group__isnull=True).order_by("code"),
        offices=Organisation.objects.active()
        .filter(kind__in=[Organisation.Kind.MINISTRY, Organisation.Kind.DEPARTMENT])
        .order_by("code"),
    )


@staff_required
def convener(request: HttpRequest) -> HttpResponse:
    """The convener of the annual meeting (MoHA's office administrators) sets up sector groups and meetings."""
    if not access.can_manage_annual_meetings(request.user):
        raise Http404
    page_forms: dict[str, forms.Form] = {
        "group_form": _sector_group_form(),
        "meeting_form": AnnualMeetingForm(prefix="meeting"),
    }
    bound: forms.Form | None = None
    if request.method == "POST":
        actions = {
            "create_group": (
                "group_form",
                _sector_group_form,
                services.sector_group_create,
                gettext_noop("The sector group is created."),
            ),
            "create_meeting": (
                "meeting_form",
                lambda data: AnnualMeetingForm(data, prefix="meeting"),
                services.annual_meeting_create,
                gettext_noop("The meeting is created."),
            ),
        }
        bound, done = _form_action(request, actions, page_forms)
        if done:
            if request.POST["action"] == "create_group":
                return redirect("coordination:group_detail", bound.cleaned_data["sector"].code)
            return redirect("coordination:meeting_manage", bound.cleaned_data["year"])
    context = {**page_forms, "groups": selectors.group_list(), "meetings": selectors.annual_meetings()}
    status = 400 if bound is not None and bound.errors else 200
    return render(request, "coordination/convener.html", context, status=status)


# Sector groups


def group_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "coordination/group_list.html",
        {"groups": selectors.group_list(), "can_convene": access.can_manage_annual_meetings(request.user)},
    )


def group_detail(request: HttpRequest, sector: str) -> HttpResponse:
    group = selectors.group_detail(sector)
    today = timezone.localdate()
    items = list(selectors.work_plan(group))
    for item in items:
        item.overdue = item.is_overdue(today)  # type: ignore[attr-defined]
    context = {
        "group": group,
        "members": selectors.current_members(group),
        "former_members": selectors.former_members(group),
        "meetings": group.meetings.active(),
        "items": items,
        "can_manage": access.can_manage_group(request.user, group),
    }
    return render(request, "coordination/group_detail.html", context)


def _managed_group(request: HttpRequest, sector: str) -> SectorGroup:
    group = selectors.group_detail(sector)
    if not access.can_manage_group(request.user, group):
        raise Http404
    return group


@staff_required
def group_manage(request: HttpRequest, sector: str) -> HttpResponse:
    group = _managed_group(request, sector)
    npas = selectors.npas_to_add(group)
    page_forms: dict[str, forms.Form] = {
        "member_form": MemberAddForm(npas=npas, prefix="member"),
        "meeting_form": GroupMeetingForm(prefix="meeting"),
        "item_form": WorkPlanItemForm(prefix="item"),
    }
    bound: forms.Form | None = None
    if request.method == "POST":
        if request.POST.get("action") == "remove_member":
            member = group.members.filter(public_id=request.POST.get("member") or None).first()
            if member is None:
                raise Http404
            try:
                services.group_member_remove(actor=request.user, member=member)
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("The association has left the group."))
            return redirect("coordination:group_manage", sector)
        actions = {
            "add_member": (
                "member_form",
                lambda data: MemberAddForm(data, npas=npas, prefix="member"),
                services.group_member_add,
                gettext_noop("The association has joined the group."),
            ),
            "add_meeting": (
                "meeting_form",
                lambda data: GroupMeetingForm(data, prefix="meeting"),
                services.group_meeting_add,
                gettext_noop("The meeting is recorded."),
            ),
            "add_item": (
                "item_form",
                lambda data: WorkPlanItemForm(data, prefix="item"),
                services.work_plan_item_add,
                gettext_noop("The work plan item is added."),
            ),
        }
        bound, done = _form_action(request, actions, page_forms, group=group)
        if done:
            return redirect("coordination:group_manage", sector)
    context = {
        "group": group,
        "members": selectors.current_members(group),
        "meetings": group.meetings.active(),
        "items": selectors.work_plan(group),
        **page_forms,
    }
    status = 400 if bound is not None and bound.errors else 200
    return render(request, "coordination/group_manage.html", context, status=status)


@staff_required
def group_meeting_minutes(request: HttpRequest, sector: str, meeting: str) -> HttpResponse:
    group = _managed_group(request, sector)
    found = group.meetings.active().filter(public_id=meeting).first()
    if found is None:
        raise Http404
    form = MinutesForm(initial={"minutes_lo": found.minutes_lo, "minutes_en": found.minutes_en})
    if request.method == "POST":
        form = MinutesForm(request.POST)
        if form.is_valid() and _call(
            form, services.group_meeting_minutes, actor=request.user, meeting=found, **form.cleaned_data
        ):
            messages.success(request, _("The minutes are saved."))
            return redirect("coordination:group_manage", sector)
    context = {"group": group, "meeting": found, "form": form}
    return render(request, "coordination/group_minutes.html", context, status=400 if form.errors else 200)


@staff_required
def work_plan_item_edit(request: HttpRequest, sector: str, item: str) -> HttpResponse:
    group = _managed_group(request, sector)
    found = group.work_plan.active().filter(public_id=item).first()
    if found is None:
        raise Http404
    form = WorkPlanUpdateForm(initial={"status": found.status, "due_date": found.due_date, "notes": found.notes})
    if request.method == "POST":
        form = WorkPlanUpdateForm(request.POST)
        if form.is_valid() and _call(
            form,
            services.work_plan_item_update,
            actor=request.user,
            item=found,
            status=form.cleaned_data["status"],
            notes=form.cleaned_data["notes"],
            due_date=form.cleaned_data["due_date"],
        ):
            messages.success(request, _("The work plan item is updated."))
            return redirect("coordination:group_manage", sector)
    context = {"group": group, "item": found, "form": form}
    return render(request, "coordination/work_plan_item.html", context, status=400 if form.errors else 200)


# Annual meetings


def meeting_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "coordination/meeting_list.html",
        {"meetings": selectors.annual_meetings(), "can_convene": access.can_manage_annual_meetings(request.user)},
    )


def meeting_detail(request: HttpRequest, year: int) -> HttpResponse:
    meeting = selectors.annual_meeting(year)
    today = timezone.localdate()
    registration = selectors.registration_of(meeting, request.user)
    is_open = meeting.registration_open(today)
    form = None
    if request.method == "POST" and request.POST.get("action") == "cancel_registration":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            services.meeting_registration_cancel(actor=request.user, meeting=meeting)
            messages.success(request, _("Your registration is cancelled."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("coordination:meeting_detail", year)
    if request.user.is_authenticated and is_open and registration is None:
        organisations = access.official_organisations(request.user).order_by("code")
        form = RegistrationForm(organisations=organisations)
        if request.method == "POST":
            form = RegistrationForm(request.POST, organisations=organisations)
            if form.is_valid() and _call(
                form,
                services.meeting_register,
                actor=request.user,
                meeting=meeting,
                organisation=form.cleaned_data.get("organisation"),
                npa=form.cleaned_data.get("npa"),
            ):
                messages.success(request, _("You are registered for the meeting."))
                return redirect("coordination:meeting_detail", year)
    elif request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        messages.error(request, _("Registration for this meeting is closed."))
        return redirect("coordination:meeting_detail", year)
    commitments = list(meeting.commitments.all())
    for commitment in commitments:
        commitment.overdue = commitment.is_overdue(today)  # type: ignore[attr-defined]
    context = {
        "meeting": meeting,
        "registration": registration,
        "registration_open": is_open,
        "can_cancel": registration is not None and today <= meeting.date,
        "form": form,
        "counts": selectors.registration_counts(meeting),
        "commitments": commitments,
        "can_manage": access.can_manage_annual_meetings(request.user),
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "coordination/meeting_detail.html", context, status=status)


def _managed_meeting(request: HttpRequest, year: int) -> AnnualMeeting:
    if not access.can_manage_annual_meetings(request.user):
        raise Http404
    return selectors.annual_meeting(year)


@staff_required
def meeting_manage(request: HttpRequest, year: int) -> HttpResponse:
    meeting = _managed_meeting(request, year)
    page_forms: dict[str, forms.Form] = {
        "agenda_form": AgendaItemForm(prefix="agenda"),
        "minutes_form": MinutesForm(
            prefix="minutes", initial={"minutes_lo": meeting.minutes_lo, "minutes_en": meeting.minutes_en}
        ),
        "commitment_form": CommitmentForm(prefix="commitment"),
    }
    bound: forms.Form | None = None
    if request.method == "POST":
        actions = {
            "add_agenda_item": (
                "agenda_form",
                lambda data: AgendaItemForm(data, prefix="agenda"),
                services.agenda_item_add,
                gettext_noop("The agenda item is added."),
            ),
            "publish_minutes": (
                "minutes_form",
                lambda data: MinutesForm(data, prefix="minutes"),
                services.annual_meeting_minutes_publish,
                gettext_noop("The minutes are published."),
            ),
            "add_commitment": (
                "commitment_form",
                lambda data: CommitmentForm(data, prefix="commitment"),
                services.commitment_add,
                gettext_noop("The commitment is added."),
            ),
        }
        bound, done = _form_action(request, actions, page_forms, meeting=meeting)
        if done:
            return redirect("coordination:meeting_manage", year)
    context = {
        "meeting": meeting,
        **page_forms,
        "registrations": selectors.registrations(meeting),
    }
    status = 400 if bound is not None and bound.errors else 200
    return render(request, "coordination/meeting_manage.html", context, status=status)


@staff_required
def commitment_edit(request: HttpRequest, year: int, commitment: str) -> HttpResponse:
    meeting = _managed_meeting(request, year)
    found = meeting.commitments.active().filter(public_id=commitment).first()
    if found is None:
        raise Http404
    form = CommitmentProgressForm(initial={"status": found.status})
    if request.method == "POST":
        form = CommitmentProgressForm(request.POST)
        if form.is_valid() and _call(
            form, services.commitment_progress, actor=request.user, commitment=found, **form.cleaned_data
        ):
            messages.success(request, _("The progress is recorded."))
            return redirect("coordination:meeting_manage", year)
    context = {"meeting": meeting, "commitment": found, "form": form}
    return render(request, "coordination/commitment_edit.html", context, status=400 if form.errors else 200)
