from django.urls import path

from elaos.civil_society import views

app_name = "npas"

urlpatterns = [
    path("", views.register, name="register"),
    path("name-check/", views.name_check, name="name_check"),
    path("<str:registration_number>/", views.profile, name="profile"),
    path(
        "<str:registration_number>/<str:action>/",
        views.status_change,
        name="status_change",
    ),
]

# The association's own pages, the project queue and the dashboard come before the register's catch-all patterns
# above ("<registration_number>/…"), which would otherwise take "my", "dashboard" and "projects".
from elaos.civil_society import views_dashboard, views_npa  # noqa: E402

urlpatterns = [
    path("my/", views_npa.my_npas, name="my"),
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("projects/queue/", views_npa.project_queue, name="project_queue"),
    path("projects/<int:pk>/decide/", views_npa.project_decide, name="project_decide"),
    path("<str:registration_number>/reports/<int:year>/", views_npa.annual_report, name="annual_report"),
    path("<str:registration_number>/projects/new/", views_npa.project_new, name="project_new"),
    *urlpatterns,
]
