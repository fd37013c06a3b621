from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "iltod.disclosure"
    verbose_name = _("Disclosure and open data")

    def ready(self):
        pass
