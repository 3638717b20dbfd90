from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from elaos.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["-date_joined"]
    list_display = ["public_id", "email", "phone", "given_name_lo", "family_name_lo", "is_staff", "is_active"]
    search_fields = [
        "email",
        "phone",
        "given_name_lo",
        "family_name_lo",
        "given_name_latin",
        "family_name_latin",
    ]
    list_filter = ["is_staff", "is_active", "preferred_language"]
    readonly_fields = ["public_id", "date_joined", "last_login", "email_verified_at"]
    fieldsets = [
        (None, {"fields": ["public_id", "email", "email_verified_at", "phone", "password"]}),
        ("Names", {"fields": ["given_name_lo", "family_name_lo", "given_name_latin", "family_name_latin"]}),
        (
            "Profile",
            {
                "fields": [
                    "date_of_birth",
                    "national_id",
                    "province",
                    "district",
                    "village",
                    "address_line",
                    "preferred_language",
                ]
            },
        ),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["date_joined", "last_login"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "phone", "password1", "password2"]})]
    raw_id_fields = ["village"]
