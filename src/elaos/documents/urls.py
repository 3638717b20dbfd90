from django.urls import path

from elaos.documents import views

app_name = "documents"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path(".well-known/elaos-keys.json", views.published_keys, name="published_keys"),
    path("documents/", views.document_list, name="list"),
    path("documents/<uuid:public_id>/download/", views.download, name="download"),
]
