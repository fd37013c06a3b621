from django.urls import path

from .views import cycle, public, staff

app_name = "scorecards"

urlpatterns = [
    path("", public.public_list, name="public_list"),
    path("overview/", public.overview, name="overview"),
    path("webhooks/kobo/", staff.kobo_webhook, name="kobo_webhook"),
    path("staff/", staff.staff_list, name="staff_list"),
    path("staff/new/", staff.cycle_create, name="cycle_create"),
    path("staff/behind-schedule/", staff.behind_schedule, name="behind_schedule"),
    path("staff/library/", staff.library, name="library"),
    path("staff/<str:code>/", cycle.cycle_detail, name="cycle"),
    # one URL per change made from the cycle page, POST only
    path("staff/<str:code>/plan/", cycle.cycle_plan, name="cycle_plan"),
    path("staff/<str:code>/advance/", cycle.cycle_advance, name="cycle_advance"),
    path("staff/<str:code>/skip/", cycle.cycle_skip, name="cycle_skip"),
    path("staff/<str:code>/indicators/", cycle.indicator_add, name="indicator_add"),
    path("staff/<str:code>/indicators/library/", cycle.indicator_from_library, name="indicator_from_library"),
    path("staff/<str:code>/inputs/", cycle.input_record, name="input_record"),
    path("staff/<str:code>/groups/", cycle.group_add, name="group_add"),
    path("staff/<str:code>/interface-meeting/", cycle.interface_meeting, name="interface_meeting"),
    path("staff/<str:code>/upload/", cycle.field_upload, name="field_upload"),
    path("staff/<str:code>/report/", staff.staff_report, name="staff_report"),
    path("staff/<str:code>/xlsform/", staff.xlsform_download, name="xlsform"),
    path("staff/<str:code>/groups/<str:group_code>/", staff.sheet, name="sheet"),
    path("staff/<str:code>/groups/<str:group_code>/approve/", staff.sheet_approve, name="sheet_approve"),
    path("staff/<str:code>/groups/<str:group_code>/return/", staff.sheet_return, name="sheet_return"),
    path("<str:code>/", public.public_report, name="public_report"),
]
