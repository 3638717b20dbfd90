"""Reads of the OpenID Provider, filtered for who asks."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from elaos.oidc.access import client_organisation_ids
from elaos.oidc.models import AgencyClient


def agency_clients_for(user: Any) -> QuerySet[AgencyClient]:
    """The clients of the organisations the user administers; another agency's client is not there (a 404)."""
    allowed = client_organisation_ids(user)
    clients = AgencyClient.objects.select_related("application", "organisation").order_by("archived_at", "name_en")
    return clients if allowed is None else clients.filter(organisation_id__in=allowed)


def agency_client_for(user: Any, public_id: Any) -> AgencyClient:
    client = agency_clients_for(user).filter(public_id=public_id).first()
    if client is None:
        raise Http404
    return client


def agency_client_of(application: Any) -> AgencyClient | None:
    return AgencyClient.objects.select_related("organisation").filter(application=application).first()
