"""Translation that also works where Django is not set up (the benchmark runs the engine alone)."""

from django.conf import settings


def gettext(message: str) -> str:
    if not settings.configured:
        return message
    from django.utils.translation import gettext as django_gettext

    return django_gettext(message)
