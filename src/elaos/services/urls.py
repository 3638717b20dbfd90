from django.urls import path

from elaos.services import views_backoffice, views_citizen, views_definitions

app_name = "services"

urlpatterns = [
    # Citizens and the public
    path("", views_citizen.catalogue, name="catalogue"),
    path("my/", views_citizen.dashboard, name="dashboard"),
    path("applications/<uuid:public_id>/", views_citizen.application_edit, name="application_edit"),
    path("applications/<uuid:public_id>/status/", views_citizen.application_status, name="application_status"),
    path(
        "applications/<uuid:public_id>/files/<uuid:file_id>/",
        views_citizen.application_file,
        name="application_file",
    ),
    path("<slug:code>/", views_citizen.service_detail, name="service_detail"),
    path("<slug:code>/apply/", views_citizen.application_start, name="application_start"),
    # Back office (staff with a verified second factor: enforced for /backoffice/ URLs only, so these are
    # mounted under /backoffice/ by elaos.urls as well; see backoffice_urlpatterns)
]

backoffice_urlpatterns = [
    path("catalogue/", views_definitions.definition_list, name="definitions"),
    path("catalogue/new/", views_definitions.definition_edit, name="definition_new"),
    path("catalogue/<slug:code>/", views_definitions.definition_edit, name="definition_edit"),
    path("queue/", views_backoffice.queue, name="queue"),
    path("applications/<uuid:public_id>/", views_backoffice.application_detail, name="bo_application"),
    path(
        "applications/<uuid:public_id>/files/<uuid:file_id>/",
        views_backoffice.application_file,
        name="bo_application_file",
    ),
]
