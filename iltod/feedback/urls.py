from django.urls import path

from . import attachments, moderation, staff, views, webhooks
from .channels import views as channel_views

app_name = "feedback"

urlpatterns = [
    path("feedback/", views.public_list, name="public_list"),
    path("feedback/new/", views.submit, name="submit"),
    path("feedback/thanks/<str:code>/", views.thanks, name="thanks"),
    path("feedback/track/", views.track_lookup, name="track_lookup"),
    path("feedback/track/<str:code>/", views.track, name="track"),
    path("feedback/mine/", views.my_feedback, name="my_feedback"),
    path("feedback/statistics/", views.statistics, name="statistics"),
    path("feedback/statistics/<str:name>.<str:fmt>", views.statistics_export, name="statistics_export"),
    path("feedback/report/<str:org_code>/", views.organization_report, name="organization_report"),
    path("feedback/attachments/<str:token>/", attachments.download, name="attachment"),
    path("feedback/<str:code>/", views.public_detail, name="public_detail"),
    path("feedback/<str:code>/follow/", views.follow, name="follow"),
    path("staff/feedback/", staff.inbox, name="inbox"),
    path("staff/feedback/new/", staff.intake, name="intake"),
    path("staff/feedback/import/", staff.import_view, name="import"),
    # before staff_detail, whose <str:code> would take these names
    path("staff/feedback/xlsform/", channel_views.xlsform_download, name="xlsform"),
    path("staff/feedback/inbound/", channel_views.inbound_list, name="inbound"),
    path("staff/feedback/moderation/", moderation.queue, name="moderation"),
    path("staff/feedback/moderation/<int:event_id>/", moderation.moderate_event, name="moderate_event"),
    path("staff/feedback/<str:code>/", staff.detail, name="staff_detail"),
    path("staff/feedback/<str:code>/messages/<uuid:message_id>/retry/", staff.retry_message, name="retry_message"),
    # one URL and one small view per action on the case page
    path("staff/feedback/<str:code>/status/", staff.change_status, name="staff_status"),
    path("staff/feedback/<str:code>/respond/", staff.respond, name="staff_respond"),
    path("staff/feedback/<str:code>/assign/", staff.assign, name="staff_assign"),
    path("staff/feedback/<str:code>/refer/", staff.refer, name="staff_refer"),
    path("staff/feedback/<str:code>/extend/", staff.extend, name="staff_extend"),
    path("staff/feedback/<str:code>/duplicate/", staff.mark_duplicate, name="staff_duplicate"),
    path("staff/feedback/<str:code>/moderate/", staff.moderate, name="staff_moderate"),
    path("staff/feedback/<str:code>/identity/", staff.show_identity, name="staff_identity"),
    path("staff/feedback/<str:code>/take-over/", staff.take_over, name="staff_take_over"),
    path("staff/feedback/<str:code>/escalate/", staff.escalate, name="staff_escalate"),
    path("staff/feedback/inbound/<uuid:code>/retry/", channel_views.inbound_retry, name="inbound_retry"),
    path("webhooks/sms/", webhooks.sms_webhook, name="sms_webhook"),
    path("webhooks/kobo/", webhooks.kobo_webhook, name="kobo_webhook"),
]
