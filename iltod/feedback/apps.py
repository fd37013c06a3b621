from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "iltod.feedback"
    verbose_name = _("Feedback and grievance redress")

    def ready(self):
        from iltod.core import panels, periodic

        from . import metrics, services, views

        metrics.register_metrics()
        panels.register("facility", views.facility_panel)
        panels.register("admin_unit", views.admin_unit_panel)
        periodic.register("feedback.escalate_overdue", lambda now: f"escalated {services.escalate_overdue(now)}")
        periodic.register("feedback.close_expired", lambda now: f"closed {services.close_expired(now)}")
        periodic.register("notifications.deliver_due", _deliver, order=100)


def _deliver(now) -> str:
    from iltod.notifications.services import deliver_due

    delivery = deliver_due(now=now)
    return f"sent {delivery['sent']}, to retry {delivery['retry']}, failed {delivery['failed']}"
