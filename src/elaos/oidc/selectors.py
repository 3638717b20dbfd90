"""Reads of the OpenID Provider, filtered for who asks."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from elaos.oidc.access import can_manage_clients
from elaos.oidc.models import AgencyClient


def agency_clients_for(user: Any) -> QuerySet[AgencyClient]:
    if not can_manage_clients(user):
        return AgencyClient.objects.none()
    return AgencyClient.objects.select_related("application", "organisation").order_by("archived_at", "name_en")


def agency_client_for(user: Any, public_id: Any) -> AgencyClient:
    client = agency_clients_for(user).filter(public_id=public_id).first()
    if client is None:
        raise Http404
    return client


def agency_client_of(application: Any) -> AgencyClient | None:
    return AgencyClient.objects.select_related("organisation").filter(application=application).first()
