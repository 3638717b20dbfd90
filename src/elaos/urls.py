from django.contrib import admin
from django.urls import include, path

from elaos.api import api
from elaos.services.urls import backoffice_urlpatterns as services_backoffice_urls

urlpatterns = [
    path("", include("elaos.core.urls")),
    path("accounts/", include("elaos.accounts.urls")),
    path("backoffice/", include("elaos.agencies.urls")),
    path("backoffice/outbox/", include("elaos.notifications.urls")),
    path("services/", include("elaos.services.urls")),
    path("npas/", include("elaos.civil_society.urls")),
    path("consultations/", include("elaos.consultation.urls")),
    path("coordination/", include("elaos.coordination.urls")),
    path("backoffice/services/", include((services_backoffice_urls, "services_bo"))),
    path("payments/", include("elaos.payments.urls")),
    path("", include("elaos.documents.urls")),
    path("backoffice/workflows/", include("elaos.workflows.urls")),
    path("search/", include("elaos.search.urls")),
    path("budget/", include("elaos.budget.urls")),
    path("migration/", include("elaos.migration.urls")),
    path("backoffice/protection/", include("elaos.protection.urls")),
    path("exchange/", include("elaos.exchange.urls")),
    path("", include("elaos.oidc.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "e-Laos"
admin.site.site_title = "e-Laos"

# Error pages in the visitor's language, the same for everyone: never the person's links or CSRF token, so that
# "not yours" and "does not exist" answer with the same bytes (elaos.core.views).
handler400 = "elaos.core.views.bad_request"
handler403 = "elaos.core.views.permission_denied"
handler404 = "elaos.core.views.page_not_found"
