"""Read-only admin: payments change only through services (the bank callback, cancel, expiry), never by hand."""

from django.contrib import admin
from django.http import HttpRequest

from elaos.payments.models import BankCallback, Payment


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["reference", "created_at", "agency", "amount_kip", "status", "paid_at", "bank_transaction_id"]
    list_filter = ["status", "agency"]
    search_fields = ["reference", "bank_transaction_id", "bank_reference", "subject_id"]
    list_select_related = ["agency"]
    date_hierarchy = "created_at"


@admin.register(BankCallback)
class BankCallbackAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "outcome", "reason", "signature_valid", "transaction_id", "payment"]
    list_filter = ["outcome", "reason", "signature_valid"]
    search_fields = ["transaction_id", "payment__reference"]
    list_select_related = ["payment"]
    date_hierarchy = "received_at"
