from django.urls import path

from elaos.budget import views, views_alerts, views_publish

app_name = "budget"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("agencies/<slug:code>/", views.agency, name="agency"),
    path("provinces/<str:code>/", views.province, name="province"),
    path("lines/<uuid:public_id>/", views.line, name="line"),
    path("contracts/<str:contract_id>/", views.contract, name="contract"),
    path("payments/", views.transactions, name="transactions"),
    path("payments/<int:pk>/", views.payment, name="payment"),
    path("payees/<uuid:public_id>/", views.payee, name="payee"),
    path("flags/", views.flags, name="flags"),
    path("flags/<uuid:public_id>/", views.flag, name="flag"),
    path("index/", views.glass_index, name="glass_index"),
    path("index/<slug:code>/", views.glass_index_agency, name="glass_index_agency"),
    path("alerts/", views_alerts.alerts, name="alerts"),
    path("alerts/<uuid:public_id>/cancel/", views_alerts.alert_cancel, name="alert_cancel"),
    path("publish/", views_publish.home, name="publish_home"),
    path("publish/batches/<uuid:public_id>/", views_publish.batch, name="publish_batch"),
    path("publish/batches/<uuid:public_id>/publish/", views_publish.batch_publish, name="publish_batch_publish"),
    path("publish/<slug:code>/", views_publish.agency, name="publish_agency"),
    path("publish/<slug:code>/template/<slug:info_code>.<str:fmt>", views_publish.template, name="publish_template"),
]
