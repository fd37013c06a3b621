from django.shortcuts import render

from iltod.organizations.models import Organization
from iltod.places import maps
from iltod.places.forms import FacilitySearchForm
from iltod.places.models import AdminUnit, ServiceUnit


def home(request):
    stats = {
        "aimags": AdminUnit.objects.current().filter(level=AdminUnit.Level.AIMAG).count(),
        "facilities": ServiceUnit.objects.active().count(),
        "organizations": Organization.objects.public().count(),
    }
    return render(
        request,
        "portal/home.html",
        {"stats": stats, "map": maps.national_map(), "search_form": FacilitySearchForm()},
    )


def about(request):
    return render(request, "portal/about.html")
