from django.contrib import admin

from elaos.core.models import AuditEvent, District, Province, Village


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["seq", "at", "actor", "action", "object_type", "object_id"]
    list_filter = ["action"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "iso_code", "name_lo", "name_en", "valid_from", "valid_to"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name_lo", "name_en", "province", "valid_from", "valid_to"]
    list_filter = ["province"]
    search_fields = ["name_lo", "name_en", "code"]


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["name_lo", "name_en", "district", "valid_from", "valid_to"]
    search_fields = ["name_lo", "name_en"]
    raw_id_fields = ["district"]
