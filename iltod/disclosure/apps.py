from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "iltod.disclosure"
    verbose_name = _("Disclosure and open data")

    def ready(self):
        from iltod.core import panels, periodic

        from . import metrics
        from .services import obligations
        from .views import obligations as obligation_views
        from .views import opendata as opendata_views

        # --- obligations, compliance and open data
        periodic.register("disclosure.schedule", obligations.run_periodic, order=10)
        metrics.register_obligation_metrics()
        panels.register("admin_unit", obligation_views.admin_unit_panel)
        opendata_views.register_obligation_datasets()

        # --- budgets, transfers and Local Development Fund projects
        from .views import budgets as budget_views
        from .views import projects as project_views

        panels.register("facility", budget_views.facility_panel)
        panels.register("admin_unit", budget_views.admin_unit_panel)
        panels.register("admin_unit", project_views.admin_unit_panel)
        budget_views.register_datasets()
