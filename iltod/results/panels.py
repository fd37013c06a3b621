"""Sections results adds to lower pages (``iltod.core.panels``): follow a facility or an area by
e-mail or SMS, or through its Atom feed; follow a public multi-stakeholder group's new plans."""

from django.template.loader import render_to_string
from django.urls import reverse


def _follow(request, kind: str, code: str, feed: str = "") -> str:
    return render_to_string(
        "results/panels/follow.html",
        {"subscribe_url": reverse("results:subscribe") + f"?kind={kind}&code={code}", "feed_url": feed},
        request=request,
    )


def facility_panel(request, facility) -> str:
    return _follow(request, "facility", facility.code, reverse("results:facility_feed", args=[facility.code]))


def admin_unit_panel(request, unit) -> str:
    return _follow(request, "area", unit.code, reverse("results:area_feed", args=[unit.code]))


def group_panel(request, group) -> str:
    # Only a public group can be followed (``alerts.target_of``): an insider's view of another shows nothing.
    if not (group.is_public and group.is_active):
        return ""
    return _follow(request, "group", group.code)
