from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorecardsConfig(AppConfig):
    name = "iltod.scorecards"
    verbose_name = _("Community score cards")

    def ready(self):
        from iltod.core import panels

        from . import metrics
        from .views import public

        metrics.register_metrics()

        panels.register("facility", public.facility_panel)
        panels.register("admin_unit", public.admin_unit_panel)
        panels.register("action_plan", public.action_plan_panel)
