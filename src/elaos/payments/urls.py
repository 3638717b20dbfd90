from django.urls import path

from elaos.payments import views

app_name = "payments"

urlpatterns = [
    path("callback/", views.callback, name="callback"),
    path("simulator/<str:reference>/", views.simulator, name="simulator"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("<uuid:public_id>/", views.payment_detail, name="detail"),
    path("<uuid:public_id>/receipt/", views.receipt, name="receipt"),
]
