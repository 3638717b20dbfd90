"""Admin for Glass Accounts reference data and publications. Published facts (transactions, budget lines,
contracts) are read-only here: they change only through a publication (imports.batch_publish), which validates and
audits. The fact table is never listed without a filter (10 million rows): search by reference only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from elaos.budget.models import (
    ConsumerPriceIndex,
    Contract,
    EconomicClass,
    FiscalYear,
    FunctionClass,
    ImportBatch,
    ImportRowError,
    InformationType,
    Payee,
    Programme,
    ProvincePopulation,
    PublicationDeadline,
    RedFlag,
    Tender,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FiscalYear)
class FiscalYearAdmin(admin.ModelAdmin):
    list_display = ["year", "status", "approved_on"]


@admin.register(FunctionClass, EconomicClass)
class ClassificationAdmin(admin.ModelAdmin):
    list_display = ["code", "name_lo", "name_en", "level"]
    search_fields = ["code", "name_lo", "name_en"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_lo", "agency"]
    search_fields = ["code", "name_lo", "name_en"]


@admin.register(InformationType)
class InformationTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "period", "deadline_days", "deadline_from", "weight", "required"]


@admin.register(ProvincePopulation)
class ProvincePopulationAdmin(admin.ModelAdmin):
    list_display = ["province", "year", "population"]
    list_filter = ["year"]


@admin.register(ConsumerPriceIndex)
class ConsumerPriceIndexAdmin(admin.ModelAdmin):
    list_display = ["year", "index", "base_year"]


class RowErrorInline(admin.TabularInline):
    model = ImportRowError
    extra = 0
    max_num = 0
    readonly_fields = ["row", "column", "code", "value", "message"]
    can_delete = False


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "agency", "information_type", "period_start", "status", "rows_total", "rows_published"]
    list_filter = ["status", "information_type"]
    list_select_related = ["agency", "information_type"]
    inlines = [RowErrorInline]


@admin.register(PublicationDeadline)
class PublicationDeadlineAdmin(ReadOnlyAdmin):
    list_display = ["agency", "information_type", "period_start", "due_on", "fulfilled_on"]
    list_filter = ["information_type"]
    list_select_related = ["agency", "information_type"]


@admin.register(Payee)
class PayeeAdmin(ReadOnlyAdmin):
    list_display = ["name_lo", "name_en", "kind", "registration_number", "registered_on"]
    search_fields = ["registration_number", "name_lo", "name_en"]
    show_full_result_count = False


@admin.register(Tender)
class TenderAdmin(ReadOnlyAdmin):
    list_display = ["ocid", "agency", "method", "status", "published_on"]
    search_fields = ["ocid"]
    list_select_related = ["agency"]
    show_full_result_count = False


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ["contract_id", "agency", "supplier", "value", "signed_on"]
    search_fields = ["contract_id"]
    list_select_related = ["agency", "supplier"]
    show_full_result_count = False


@admin.register(RedFlag)
class RedFlagAdmin(ReadOnlyAdmin):
    list_display = ["kind", "agency", "fiscal_year", "severity", "status", "detected_at"]
    list_filter = ["kind", "severity", "status"]
    list_select_related = ["agency"]
