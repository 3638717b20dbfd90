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
