from django.contrib import admin

from elaos.oidc.models import AgencyClient, FederatedIdentity


@admin.register(AgencyClient)
class AgencyClientAdmin(admin.ModelAdmin):
    list_display = ["name_en", "organisation", "application", "archived_at"]
    list_filter = ["organisation"]
    search_fields = ["name_lo", "name_en", "application__client_id"]
    raw_id_fields = ["application", "organisation"]
    readonly_fields = ["public_id", "created_at", "created_by", "archived_at", "archived_by"]


@admin.register(FederatedIdentity)
class FederatedIdentityAdmin(admin.ModelAdmin):
    list_display = ["issuer", "subject", "user", "last_sign_in_at"]
    search_fields = ["subject", "user__phone", "user__email"]
    raw_id_fields = ["user"]
    readonly_fields = ["issuer", "subject", "user", "last_sign_in_at", "created_at"]
