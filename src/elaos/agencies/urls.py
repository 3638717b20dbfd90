from django.urls import path

from elaos.agencies import views

app_name = "agencies"

urlpatterns = [
    path("", views.backoffice, name="backoffice"),
    path("organisations/", views.organisations, name="organisations"),
]
