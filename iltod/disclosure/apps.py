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

        # --- facility data that citizens check
        from .opendata import register_dataset
        from .services import facility_data
        from .views import facility_data as facility_data_views

        panels.register("facility", facility_data_views.facility_panel)
        # a feedback item made from a dispute or a project report links back to it
        from .views import feedback_links

        panels.register("feedback", feedback_links.public_panel)
        panels.register("feedback_staff", feedback_links.staff_panel)
        periodic.register("disclosure.answered_disputes", facility_data.answer_disputes, order=10)
        metrics.register_facility_data_metrics()
        register_dataset(
            "facility_values",
            _("Facility figures checked by citizens"),
            facility_data.open_data_rows,
            facility_data.EXPORT_HEADER,
            facility_data.open_data_date,
            _("Values published by schools, kindergartens and health facilities per period, with their status."),
        )

        # --- budgets, transfers and Local Development Fund projects
        from .views import budgets as budget_views
        from .views import projects as project_views

        panels.register("facility", budget_views.facility_panel)
        panels.register("admin_unit", budget_views.admin_unit_panel)
        panels.register("admin_unit", project_views.admin_unit_panel)
        budget_views.register_datasets()
