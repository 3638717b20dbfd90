from django.contrib import admin

from elaos.notifications.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "to", "status", "parts", "attempts", "backend"]
    list_filter = ["channel", "status", "backend"]
    search_fields = ["to", "idempotency_key"]
    readonly_fields = [f.name for f in Message._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
