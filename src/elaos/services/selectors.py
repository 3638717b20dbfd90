"""Reads of the public-services domain, already filtered for who is asking."""

from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from elaos.agencies.access import active_assignments
from elaos.core.sql import column, db_value, fetch_one, table
from elaos.search.selectors import search
from elaos.services.models import Application, Category, LifeEvent, Service, ServiceVersion
from elaos.workflows.models import WorkflowInstance


def catalogue(
    *, query: str = "", agency: str = "", life_event: str = "", category: str = ""
) -> QuerySet[Service] | list[Service]:
    services = (
        Service.objects.active()
        .filter(current_version__status=ServiceVersion.Status.PUBLISHED)
        .select_related("agency")
        .order_by("code")
    )
    if agency:
        services = services.filter(Q(agency__code=agency) | Q(agency__parent__code=agency))
    if life_event:
        services = services.filter(life_events__code=life_event)
    if category:
        services = services.filter(categories__code=category)
    if query.strip():
        ranked = [hit.key for hit in search(query, kind="service", limit=50)]
        by_code = {s.code: s for s in services.filter(code__in=ranked)}
        return [by_code[code] for code in ranked if code in by_code]
    return services


def service_detail(code: str) -> Service:
    service = (
        Service.objects.active()
        .select_related("agency", "current_version__workflow")  # the workflow: what Apply starts
        .filter(code=code, current_version__status=ServiceVersion.Status.PUBLISHED)
        .first()
    )
    if service is None:
        raise Http404
    return service


def life_events() -> QuerySet[LifeEvent]:
    return LifeEvent.objects.filter(services__isnull=False).distinct()


def categories() -> QuerySet[Category]:
    return Category.objects.filter(services__isnull=False).distinct()


def _applications() -> QuerySet[Application]:
    return Application.objects.active().select_related(
        "service_version__service__agency", "office", "workflow__definition", "applicant"
    )


def applications_of(user: Any) -> QuerySet[Application]:
    """The user's own applications, with what the applicant's pages show (the service, the office, the workflow);
    not the applicant, who is the user, nor the responsible agency."""
    return (
        Application.objects.active()
        .filter(applicant=user)
        .select_related("service_version__service", "office", "workflow__definition")
    )


def application_for_applicant(user: Any, public_id: Any) -> Application:
    """The applicant's own application; anyone else's is a 404."""
    application = applications_of(user).filter(public_id=public_id).first()
    if application is None:
        raise Http404
    application.applicant = user
    return application


def application_to_change(user: Any, public_id: Any) -> Application:
    """The applicant's own application with its service version and nothing else: what a change (the edit page's
    POST) reads before its locked read, which has the rest. Anyone else's is a 404."""
    application = (
        Application.objects.active()
        .filter(applicant=user, public_id=public_id)
        .select_related("service_version")
        .first()
    )
    if application is None:
        raise Http404
    return application


def application_page_version(user: Any, public_id: Any) -> str | None:
    """What the applicant's status page shows changes only with the application row or a workflow move; this
    one small query says whether either did (None: not the user's application, the page answers 404). Plain SQL
    (elaos.core.sql): it runs on every view of the page, cached or not."""
    try:
        public_id = db_value(Application, "public_id", public_id)
    except ValidationError:
        return None
    row = fetch_one(_page_version_sql(), [user.pk, public_id])
    return "|".join(map(str, row)) if row else None


@cache
def _page_version_sql() -> str:
    a, w = Application, WorkflowInstance
    return (
        f"SELECT {column(a, 'updated_at', 'a')}, {column(a, 'state', 'a')}, {column(a, 'payment_id', 'a')}, "  # noqa: S608
        f"{column(a, 'document_id', 'a')}, {column(w, 'version', 'w')}, {column(w, 'updated_at', 'w')} "
        f"FROM {table(a)} a LEFT JOIN {table(w)} w ON {column(w, 'id', 'w')} = {column(a, 'workflow', 'a')} "
        f"WHERE {column(a, 'applicant', 'a')} = %s AND {column(a, 'public_id', 'a')} = %s "
        f"AND {column(a, 'archived_at', 'a')} IS NULL"
    )


def applications_page_version(user: Any) -> str:
    """What the applicant's list of applications shows changes only with one of their application rows, a
    workflow move or a service's names: one small aggregate query says whether any did."""
    row = fetch_one(_applications_version_sql(), [user.pk])
    return "|".join(map(str, row or ()))


@cache
def _applications_version_sql() -> str:
    a, w, v, s = Application, WorkflowInstance, ServiceVersion, Service
    return (
        f"SELECT COUNT(*), MAX({column(a, 'updated_at', 'a')}), MAX({column(w, 'updated_at', 'w')}), "  # noqa: S608
        f"SUM({column(w, 'version', 'w')}), MAX({column(s, 'updated_at', 's')}) "
        f"FROM {table(a)} a LEFT JOIN {table(w)} w ON {column(w, 'id', 'w')} = {column(a, 'workflow', 'a')} "
        f"JOIN {table(v)} v ON {column(v, 'id', 'v')} = {column(a, 'service_version', 'a')} "
        f"JOIN {table(s)} s ON {column(s, 'id', 's')} = {column(v, 'service', 'v')} "
        f"WHERE {column(a, 'applicant', 'a')} = %s AND {column(a, 'archived_at', 'a')} IS NULL"
    )


def applications_for_staff(user: Any) -> QuerySet[Application]:
    """Applications routed to an office where the officer holds a role: nothing from other offices."""
    offices = active_assignments(user).values("organisation")
    # The workflow may hand the work to another office for a step (a line ministry's opinion).
    return _applications().filter(Q(office__in=offices) | Q(workflow__office__in=offices)).exclude(state="draft")


def application_for_staff(user: Any, public_id: Any) -> Application:
    application = applications_for_staff(user).filter(public_id=public_id).first()
    if application is None:
        raise Http404
    return application


def application_by_subject_id(subject_id: str) -> Application:
    """The application a workflow instance is about (its subject_id), for other domains' workflow actions; raises
    Application.DoesNotExist when there is none."""
    return _applications().get(public_id=subject_id)
