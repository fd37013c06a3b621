from django.urls import path

from . import attachments, staff, views

app_name = "feedback"

urlpatterns = [
    path("feedback/", views.public_list, name="public_list"),
    path("feedback/new/", views.submit, name="submit"),
    path("feedback/thanks/<str:code>/", views.thanks, name="thanks"),
    path("feedback/track/", views.track_lookup, name="track_lookup"),
    path("feedback/track/<str:code>/", views.track, name="track"),
    path("feedback/statistics/", views.statistics, name="statistics"),
    path("feedback/report/<str:org_code>/", views.organization_report, name="organization_report"),
    path("feedback/attachments/<str:token>/", attachments.download, name="attachment"),
    path("feedback/<str:code>/", views.public_detail, name="public_detail"),
    path("staff/feedback/", staff.inbox, name="inbox"),
    path("staff/feedback/new/", staff.intake, name="intake"),
    path("staff/feedback/import/", staff.import_view, name="import"),
    path("staff/feedback/<str:code>/", staff.detail, name="staff_detail"),
    path("staff/feedback/<str:code>/messages/<uuid:message_id>/retry/", staff.retry_message, name="retry_message"),
]
