from django.contrib import admin

from elaos.agencies.models import Organisation, Role, RoleAssignment, Sector


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["code", "name_lo", "name_en", "kind", "parent", "province", "district"]
    list_filter = ["kind", "province"]
    search_fields = ["code", "name_lo", "name_en"]
    raw_id_fields = ["parent"]
    exclude = ["created_by", "updated_by", "archived_by"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["code", "name_lo", "name_en"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organisation", "valid_until", "archived_at"]
    list_filter = ["role"]
    raw_id_fields = ["user", "organisation"]
    exclude = ["created_by", "updated_by", "archived_by"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "name_lo", "name_en", "line_ministry"]
