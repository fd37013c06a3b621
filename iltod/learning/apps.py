from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "iltod.learning"
    verbose_name = _("Learning and the network")

    def ready(self):
        from iltod.core import panels as core_panels

        from . import panels

        # members, profiles, competency framework and assessments (sections 1 and 2)
        core_panels.register("organization", panels.organization_panel)

        from iltod.core import periodic

        from . import stats
        from .services import trainings

        # trainings and people (section 3)
        stats.register_metrics()
        periodic.register("learning.remind_trainings", trainings.send_reminders)
