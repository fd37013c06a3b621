from django.urls import path

from . import files
from .views import assessments, framework, hub, library, members, profiles, resources, strategy, trainings

app_name = "learning"

urlpatterns: list = [
    *hub.urlpatterns,
    path("files/<path:name>", files.file, name="file"),  # every uploaded file, behind its guard
    # --- members, profiles, competency framework and assessments (sections 1 and 2)
    path("network/<str:code>/members/", members.member_directory, name="directory"),
    path("network/<str:code>/members/manage/", members.members_manage, name="members_manage"),
    path(
        "network/<str:code>/members/<str:member_code>/<str:action>/",
        members.member_change,
        name="member_change",
    ),
    path("network/<str:code>/subnetworks/add/", members.subnetwork_add, name="subnetwork_add"),
    path("network/<str:code>/rounds/", assessments.round_list, name="rounds"),
    path("profiles/review/", profiles.profile_queue, name="profile_queue"),
    path("profiles/version/<int:pk>/", profiles.profile_version, name="profile_version"),
    path("profiles/version/<int:pk>/review/", profiles.profile_review, name="profile_review"),
    path("profiles/<str:code>/", profiles.profile_public, name="profile"),
    path("profiles/<str:code>/edit/", profiles.profile_edit, name="profile_edit"),
    path("frameworks/<int:pk>/", framework.framework_detail, name="framework"),
    path("frameworks/<int:pk>/new-version/", framework.framework_new_version, name="framework_new_version"),
    path("frameworks/<int:pk>/adopt/", framework.framework_adopt, name="framework_adopt"),
    path("frameworks/<int:pk>/areas/add/", framework.area_add, name="area_add"),
    path("areas/<int:pk>/", framework.area_edit, name="area_edit"),
    path("competencies/<int:pk>/", framework.competency_edit, name="competency_edit"),
    path("areas/<int:area_pk>/competencies/add/", framework.competency_add, name="competency_add"),
    path("rounds/<str:code>/", assessments.round_detail, name="round"),
    path("rounds/<str:code>/answer/", assessments.round_answer, name="round_answer"),
    path("rounds/<str:code>/capacity/<str:org_code>/", assessments.round_capacity, name="round_capacity"),
    path("rounds/<str:code>/print/", assessments.round_print, name="round_print"),
    path("rounds/<str:code>/invite/", assessments.round_invite, name="round_invite"),
    path("invitations/<str:token>/", assessments.invitation, name="invitation"),
    path("rounds/<str:code>/xlsform/", assessments.round_xlsform, name="round_xlsform"),
    path("kobo/assessments/", assessments.kobo_webhook, name="assessment_kobo"),
    # --- trainings, the strategic plan, the library and resources (sections 3 to 6)
    *trainings.urlpatterns,
    *strategy.urlpatterns,
    *library.urlpatterns,
    *resources.urlpatterns,
]
