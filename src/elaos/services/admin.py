"""Admin for the service catalogue. Categories and life events are edited here; services, their versions and
applications are only shown: a service changes by importing its definition (`manage.py services_import`), an
application only through its workflow."""

import json
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from elaos.services.models import Application, Category, LifeEvent, Service, ServiceVersion


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_lo", "name_en", "order"]
    list_editable = ["order"]
    search_fields = ["code", "name_lo", "name_en"]


@admin.register(LifeEvent)
class LifeEventAdmin(admin.ModelAdmin):
    list_display = ["code", "name_lo", "name_en", "order"]
    list_editable = ["order"]
    search_fields = ["code", "name_lo", "name_en"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _version_link(version: ServiceVersion | None) -> str:
    if version is None:
        return "—"
    url = reverse("admin:services_serviceversion_change", args=[version.pk])
    return format_html('<a href="{}">v{} ({})</a>', url, version.version, version.get_status_display())


@admin.register(Service)
class ServiceAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_lo", "name_en", "agency", "fee_kip", "sla_days", "current_version_link"]
    list_filter = ["agency", "categories", "life_events"]
    list_select_related = ["agency", "current_version"]
    search_fields = ["code", "name_lo", "name_en"]
    fields = [
        "code",
        "name_lo",
        "name_en",
        "summary_lo",
        "summary_en",
        "agency",
        "offices",
        "categories",
        "life_events",
        "fee_kip",
        "sla_days",
        "current_version_link",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("current version"))
    def current_version_link(self, obj: Service) -> str:
        return _version_link(obj.current_version)


@admin.register(ServiceVersion)
class ServiceVersionAdmin(ReadOnlyAdmin):
    list_display = ["service", "version", "status", "published_at", "created_by"]
    list_filter = ["status"]
    list_select_related = ["service", "created_by"]
    search_fields = ["service__code", "service__name_lo", "service__name_en"]
    fields = ["service", "version", "status", "workflow", "published_at", "created_at", "created_by", "definition_json"]
    readonly_fields = fields

    @admin.display(description=_("definition"))
    def definition_json(self, obj: ServiceVersion) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.definition, ensure_ascii=False, indent=2))


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = [
        "reference",
        "service_version__service",
        "service_version__version",
        "applicant",
        "office",
        "state",
        "submitted_at",
    ]
    list_filter = ["state", "service_version__service"]
    list_select_related = ["service_version__service", "applicant", "office"]
    search_fields = ["reference"]
    date_hierarchy = "created_at"
    fields = [
        "reference",
        "public_id",
        "service_version_link",
        "applicant",
        "office",
        "state",
        "data",
        "workflow",
        "submitted_at",
        "decided_at",
        "payment_id",
        "document_id",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields

    @admin.display(description=ServiceVersion._meta.verbose_name)
    def service_version_link(self, obj: Application) -> str:
        return _version_link(obj.service_version)
