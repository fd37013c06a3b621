from django.urls import path

from . import attachments, staff, views, webhooks
from .channels import views as channel_views

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
    # before staff_detail, whose <str:code> would take these names
    path("staff/feedback/xlsform/", channel_views.xlsform_download, name="xlsform"),
    path("staff/feedback/inbound/", channel_views.inbound_list, name="inbound"),
    path("staff/feedback/<str:code>/", staff.detail, name="staff_detail"),
    path("staff/feedback/<str:code>/messages/<uuid:message_id>/retry/", staff.retry_message, name="retry_message"),
    path("staff/feedback/inbound/<uuid:code>/retry/", channel_views.inbound_retry, name="inbound_retry"),
    path("webhooks/sms/", webhooks.sms_webhook, name="sms_webhook"),
    path("webhooks/kobo/", webhooks.kobo_webhook, name="kobo_webhook"),
]
