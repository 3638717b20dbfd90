"""Admin for the NPA register. Status changes are only shown: a status moves only through the registrar's page
(services.npa_transition), which asks for the reason and writes the history."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from elaos.civil_society.models import (
    AnnualReport,
    AnnualReportIncome,
    AnnualReportOverdue,
    AnnualReportSpending,
    Npa,
    NpaMembership,
    NpaOfficer,
    NpaProject,
    NpaStatusChange,
)
from elaos.civil_society.services import npa_index


class OfficerInline(admin.TabularInline):
    model = NpaOfficer
    extra = 0


class ProjectInline(admin.TabularInline):
    model = NpaProject
    extra = 0


class StatusChangeInline(admin.TabularInline):
    model = NpaStatusChange
    extra = 0
    fields = ["date", "from_status", "status", "reason", "actor", "recorded_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Npa)
class NpaAdmin(admin.ModelAdmin):
    list_display = ["registration_number", "name_lo", "name_en", "type", "level", "sector", "province", "status"]
    list_filter = ["status", "type", "level", "sector"]
    search_fields = ["registration_number", "name_lo", "name_en", "abbreviation"]
    readonly_fields = ["registration_number", "status", "registered_on"]
    inlines = [OfficerInline, ProjectInline, StatusChangeInline]

    def save_model(self, request: HttpRequest, obj: Npa, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        npa_index(obj)  # names changed here must reach the name check and the search index

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class IncomeInline(admin.TabularInline):
    model = AnnualReportIncome
    extra = 0


class SpendingInline(admin.TabularInline):
    model = AnnualReportSpending
    extra = 0


@admin.register(AnnualReport)
class AnnualReportAdmin(admin.ModelAdmin):
    list_display = ["npa", "year", "submitted_at"]
    list_filter = ["year"]
    search_fields = ["npa__registration_number", "npa__name_lo"]
    inlines = [IncomeInline, SpendingInline]


@admin.register(NpaMembership)
class NpaMembershipAdmin(admin.ModelAdmin):
    """Who may act online for an association: recorded by the registrar on the association's request."""

    list_display = ["npa", "user", "role", "since", "until"]
    list_filter = ["role"]
    search_fields = ["npa__registration_number", "npa__name_lo", "user__phone", "user__email"]
    raw_id_fields = ["npa", "user"]


@admin.register(AnnualReportOverdue)
class AnnualReportOverdueAdmin(admin.ModelAdmin):
    list_display = ["npa", "year", "flagged_at"]
    list_filter = ["year"]
    readonly_fields = ["npa", "year", "flagged_at"]
