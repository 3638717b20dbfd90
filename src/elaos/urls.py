from django.contrib import admin
from django.urls import include, path

from elaos.api import api

urlpatterns = [
    path("", include("elaos.core.urls")),
    path("accounts/", include("elaos.accounts.urls")),
    path("backoffice/", include("elaos.agencies.urls")),
    path("backoffice/outbox/", include("elaos.notifications.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "e-Laos"
admin.site.site_title = "e-Laos"
