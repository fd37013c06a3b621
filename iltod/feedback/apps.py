from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "iltod.feedback"
    verbose_name = _("Feedback and grievance redress")

    def ready(self):
        from iltod.core import panels

        from . import views

        panels.register("facility", views.facility_panel)
        panels.register("admin_unit", views.admin_unit_panel)
