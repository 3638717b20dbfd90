from django.urls import path

from elaos.consultation import views

app_name = "consultation"

urlpatterns = [
    path("", views.consultation_list, name="list"),
    # The agency's pages come before the drafts' own addresses; "manage" is a reserved draft slug.
    path("manage/", views.manage_index, name="manage"),
    path("manage/new/", views.manage_draft_new, name="manage_draft_new"),
    path("manage/<slug:slug>/", views.manage_draft, name="manage_draft"),
    path("manage/<slug:slug>/moderate/", views.manage_moderate, name="manage_moderate"),
    path("manage/<slug:slug>/responses/", views.manage_responses, name="manage_responses"),
    path("manage/<slug:slug>/versions/new/", views.manage_version_new, name="manage_version_new"),
    path("<slug:slug>/", views.consultation_detail, name="detail"),
    path("<slug:slug>/diff/", views.consultation_diff, name="diff"),
    path("<slug:slug>/comments.csv", views.comments_csv, name="comments_csv"),
    path("<slug:slug>/comments.json", views.comments_json, name="comments_json"),
]
