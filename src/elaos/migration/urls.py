from django.urls import path

from elaos.migration import views

app_name = "migration"

urlpatterns = [
    path("", views.home, name="home"),
    path("countries/<str:country>/", views.info_page, name="info_page"),
    path("agencies/", views.agency_register, name="agency_register"),
    path("agencies/<str:licence_number>/", views.agency_detail, name="agency_detail"),
    path("statistics/", views.statistics, name="statistics"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/filed/<str:reference>/", views.complaint_filed, name="complaint_filed"),
    path("complaints/follow/", views.complaint_lookup, name="complaint_lookup"),
    path("me/", views.my_migration, name="me"),
    path("me/register/", views.my_register, name="my_register"),
    path("me/data.json", views.my_data, name="my_data"),
    path("me/records/<uuid:public_id>/", views.my_record, name="my_record"),
    path("me/records/<uuid:public_id>/card/", views.my_card, name="my_card"),
    path("me/complaints/<uuid:public_id>/", views.my_complaint, name="my_complaint"),
    path("referrals/", views.referral_inbox, name="referral_inbox"),
    path("referrals/<uuid:public_id>/", views.referral_detail, name="referral_detail"),
    path("backoffice/", views.backoffice, name="backoffice"),
    path("backoffice/migrants/", views.bo_migrants, name="bo_migrants"),
    path("backoffice/migrants/new/", views.bo_migrant_new, name="bo_migrant_new"),
    path("backoffice/migrants/<uuid:public_id>/", views.bo_migrant, name="bo_migrant"),
    path("backoffice/migrants/<uuid:public_id>/edit/", views.bo_migrant_edit, name="bo_migrant_edit"),
    path("backoffice/migrants/<uuid:public_id>/card/", views.bo_migrant_card, name="bo_migrant_card"),
    path("backoffice/corrections/", views.bo_corrections, name="bo_corrections"),
    path("backoffice/corrections/<uuid:public_id>/", views.bo_correction, name="bo_correction"),
    path("backoffice/complaints/", views.bo_complaints, name="bo_complaints"),
    path("backoffice/complaints/new/", views.bo_complaint_new, name="bo_complaint_new"),
    path("backoffice/complaints/<uuid:public_id>/", views.bo_complaint, name="bo_complaint"),
    path("backoffice/complaints/<uuid:public_id>/evidence/<uuid:evidence_id>/", views.bo_evidence, name="bo_evidence"),
    path("backoffice/returnees/", views.bo_returnees, name="bo_returnees"),
    path("backoffice/returnees/new/", views.bo_returnee_new, name="bo_returnee_new"),
    path("backoffice/returnees/<uuid:public_id>/", views.bo_returnee, name="bo_returnee"),
    path("backoffice/agencies/<str:licence_number>/status/", views.bo_agency_status, name="bo_agency_status"),
    path("backoffice/countries/", views.bo_info_pages, name="bo_info_pages"),
    path("backoffice/countries/<str:country>/edit/", views.bo_info_page_edit, name="bo_info_page_edit"),
]
