from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "iltod.places"
    verbose_name = _("Places and facilities")

    def ready(self):
        from . import geo  # noqa: F401  (keeps the parsed boundaries in step with the units)
