from django.urls import path

from elaos.exchange import views

app_name = "exchange"

urlpatterns = [
    path("consents/", views.consent_list, name="consent_list"),
    path("consents/<uuid:public_id>/", views.consent_detail, name="consent_detail"),
    path("consents/<uuid:public_id>/receipt.json", views.consent_receipt, name="consent_receipt"),
    path("receipts/verify/", views.receipt_verify, name="receipt_verify"),
    path("access-log/", views.access_log, name="access_log"),
    path("systems/", views.client_list, name="client_list"),
    path("systems/new/", views.client_new, name="client_new"),
    path("systems/<uuid:public_id>/", views.client_detail, name="client_detail"),
    path("systems/<uuid:public_id>/deliveries/", views.delivery_log, name="delivery_log"),
    path(
        "systems/<uuid:public_id>/deliveries/<uuid:delivery_id>/retry/",
        views.delivery_retry,
        name="delivery_retry",
    ),
]
