from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from elaos.documents import services
from elaos.documents.models import Document


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revocation"), widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """Issued documents are never edited here: they can be looked at and revoked, nothing else."""

    list_display = ["title_lo", "type_code", "holder", "issuer", "issued_at", "revoked_at"]
    list_filter = ["type_code", "issuer"]
    search_fields = ["=public_id", "type_code", "title_lo", "title_en"]
    date_hierarchy = "issued_at"
    list_select_related = ["holder", "issuer"]
    actions = ["revoke"]
    fields = [
        "public_id",
        "type_code",
        "title_lo",
        "title_en",
        "holder",
        "issuer",
        "subject_type",
        "subject_id",
        "issued_at",
        "sha256",
        "payload",
        "revoked_at",
        "revocation_reason",
        "created_by",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Document | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Document | None = None) -> bool:
        return False

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("documents.revoke_document")

    @admin.action(description=_("Revoke the selected documents"), permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[Document]) -> HttpResponse | None:
        form = RevokeForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            revoked = 0
            for document in queryset:
                try:
                    services.document_revoke(actor=request.user, document=document, reason=form.cleaned_data["reason"])
                    revoked += 1
                except ValidationError as error:
                    self.message_user(request, f"{document}: {' '.join(error.messages)}", messages.WARNING)
            self.message_user(
                request,
                ngettext("%(count)d document revoked.", "%(count)d documents revoked.", revoked) % {"count": revoked},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/documents/document/revoke.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Revoke documents"),
                "opts": self.model._meta,
                "documents": queryset,
                "form": form,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
