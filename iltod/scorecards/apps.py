from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorecardsConfig(AppConfig):
    name = "iltod.scorecards"
    verbose_name = _("Community score cards")

    def ready(self):
        from iltod.core import panels

        from . import views

        panels.register("facility", views.facility_panel)
        panels.register("admin_unit", views.admin_unit_panel)
        panels.register("action_plan", views.action_plan_panel)
