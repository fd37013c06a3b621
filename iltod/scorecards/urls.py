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
    path("staff/<str:code>/do/", views.cycle_action, name="cycle_action"),
    path("staff/<str:code>/report/", views.staff_report, name="staff_report"),
    path("staff/<str:code>/xlsform/", views.xlsform_download, name="xlsform"),
    path("staff/<str:code>/groups/<str:group_code>/", views.sheet, name="sheet"),
    path("<str:code>/", views.public_report, name="public_report"),
]
