from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "iltod.engagement"
    verbose_name = _("Constructive engagement")

    def ready(self):
        from django.utils import timezone

        from iltod.core import panels, periodic

        from . import metrics
        from .services import remind_overdue_actions
        from .views import groups, plans

        metrics.register_metrics()
        panels.register("admin_unit", groups.admin_unit_panel)
        panels.register("facility", plans.facility_panel)
        periodic.register(
            "engagement.remind_overdue_actions",
            lambda now: f"overdue actions reminded {remind_overdue_actions(timezone.localdate(now))}",
        )
