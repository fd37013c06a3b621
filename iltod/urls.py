from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from iltod.core.views import health, media

admin.site.site_header = "Iltod"
admin.site.site_title = "Iltod"

urlpatterns = [
    path("health/", health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The back office uses the platform's login, which enforces the second factor.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("admin/", admin.site.urls),
    path("account/", include("iltod.accounts.urls")),
    path("organizations/", include("iltod.organizations.urls")),
    path("engagement/", include("iltod.engagement.urls")),
    path("scorecards/", include("iltod.scorecards.urls")),
    path("disclosure/", include("iltod.disclosure.urls")),
    path("procurement/", include("iltod.procurement.urls")),
    path("learning/", include("iltod.learning.urls")),
    path("results/", include("iltod.results.urls")),
    path("api/", include("iltod.api.urls")),
    path("open311/v2/", include("iltod.feedback.open311_urls")),
    path("", include("iltod.feedback.urls")),
    path("", include("iltod.places.urls")),
    path("", include("iltod.portal.urls")),
]

if settings.DEBUG:
    # Development only. Uploaded files are never served from here: they go through access-checked
    # views (feedback:attachment, engagement:document, and iltod/core/files.py's routes).
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", media),  # refuses the protected folders, however the path is written
    ]
