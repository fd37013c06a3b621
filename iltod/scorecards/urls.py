from django.urls import path

from . import views

app_name = "scorecards"

urlpatterns = [
    path("", views.public_list, name="public_list"),
    path("overview/", views.overview, name="overview"),
    path("webhooks/kobo/", views.kobo_webhook, name="kobo_webhook"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.cycle_create, name="cycle_create"),
    path("staff/behind-schedule/", views.behind_schedule, name="behind_schedule"),
    path("staff/library/", views.library, name="library"),
    path("staff/<str:code>/", views.cycle_detail, name="cycle"),
    # one URL per change made from the cycle page, POST only
    path("staff/<str:code>/plan/", views.cycle_plan, name="cycle_plan"),
    path("staff/<str:code>/advance/", views.cycle_advance, name="cycle_advance"),
    path("staff/<str:code>/skip/", views.cycle_skip, name="cycle_skip"),
    path("staff/<str:code>/indicators/", views.indicator_add, name="indicator_add"),
    path("staff/<str:code>/indicators/library/", views.indicator_from_library, name="indicator_from_library"),
    path("staff/<str:code>/inputs/", views.input_record, name="input_record"),
    path("staff/<str:code>/groups/", views.group_add, name="group_add"),
    path("staff/<str:code>/interface-meeting/", views.interface_meeting, name="interface_meeting"),
    path("staff/<str:code>/upload/", views.field_upload, name="field_upload"),
    path("staff/<str:code>/report/", views.staff_report, name="staff_report"),
    path("staff/<str:code>/xlsform/", views.xlsform_download, name="xlsform"),
    path("staff/<str:code>/groups/<str:group_code>/", views.sheet, name="sheet"),
    path("<str:code>/", views.public_report, name="public_report"),
]
