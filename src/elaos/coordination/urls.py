from django.urls import path

from elaos.coordination import views

app_name = "coordination"

urlpatterns = [
    path("manage/", views.convener, name="convener"),
    path("groups/", views.group_list, name="group_list"),
    path("groups/<slug:sector>/", views.group_detail, name="group_detail"),
    path("groups/<slug:sector>/manage/", views.group_manage, name="group_manage"),
    path(
        "groups/<slug:sector>/manage/meetings/<uuid:meeting>/",
        views.group_meeting_minutes,
        name="group_meeting_minutes",
    ),
    path("groups/<slug:sector>/manage/items/<uuid:item>/", views.work_plan_item_edit, name="work_plan_item_edit"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/<int:year>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:year>/manage/", views.meeting_manage, name="meeting_manage"),
    path(
        "meetings/<int:year>/manage/commitments/<uuid:commitment>/",
        views.commitment_edit,
        name="commitment_edit",
    ),
]
