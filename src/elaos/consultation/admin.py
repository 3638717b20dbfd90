"""Admin views of consultation data, read-only: every change goes through services.py so that it is audited."""

from django.contrib import admin
from django.http import HttpRequest

from elaos.consultation.models import Comment, Consultation, Draft, DraftVersion, Response


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Draft)
class DraftAdmin(ReadOnlyAdmin):
    list_display = ["slug", "title_lo", "kind", "agency", "created_at"]
    list_filter = ["kind"]
    search_fields = ["slug", "title_lo", "title_en"]


@admin.register(DraftVersion)
class DraftVersionAdmin(ReadOnlyAdmin):
    list_display = ["draft", "number", "published_at"]


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ["version", "opens_at", "closes_at", "response_published_at"]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["consultation", "article", "display_name", "stance", "status", "created_at"]
    list_filter = ["status", "stance"]


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ["consultation", "article", "published_at"]
