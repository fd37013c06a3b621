from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "iltod.procurement"
    verbose_name = _("Procurement monitoring")

    def ready(self):
        from iltod.core import metrics, panels

        from . import metrics as procurement_metrics
        from .views import public

        panels.register("facility", public.facility_panel)
        panels.register("admin_unit", public.admin_unit_panel)
        for metric in procurement_metrics.METRICS:
            metrics.register(metric)
