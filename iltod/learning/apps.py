from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "iltod.learning"
    verbose_name = _("Learning and the network")

    def ready(self):
        pass
