from django.conf import settings
from django.utils.translation import gettext_lazy as _


def site(request):
    return {
        # The default name is translated (Илтод); a configured SITE_NAME is shown as it is.
        "SITE_NAME": settings.SITE_NAME or _("Iltod"),
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
    }
