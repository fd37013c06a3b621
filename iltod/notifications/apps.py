from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "iltod.notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from iltod.core import outbox

        from .services import queue_message

        outbox.register(queue_message)  # accounts sends password resets through it
