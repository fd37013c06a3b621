from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "iltod.results"
    verbose_name = _("Results and ranking")

    def ready(self):
        from iltod.core import panels, periodic

        from . import jobs
        from . import panels as results_panels

        panels.register("facility", results_panels.facility_panel)
        panels.register("admin_unit", results_panels.admin_unit_panel)
        panels.register("engagement_group", results_panels.group_panel)
        # A procurement buyer is followed from the alerts form only: procurement's pages have no panel slot.

        periodic.register("results.recompute", jobs.recompute_current, order=50)
        periodic.register("results.send_alerts", jobs.send_alerts, order=60)  # before the outbox delivers (100)
