from django.urls import path

from elaos.protection import views

app_name = "protection"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("cases/new/", views.case_open, name="case_open"),
    path("cases/<str:case>/", views.case_detail, name="case_detail"),
    path("break-glass/", views.break_glass, name="break_glass"),
    path("export/", views.export, name="export"),
    path("export/cases.csv", views.export_csv, name="export_csv"),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/<str:referral>/", views.referral_detail, name="referral_detail"),
]
