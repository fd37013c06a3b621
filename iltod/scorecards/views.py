from django.template.loader import render_to_string

from .models import ScorecardCycle


def facility_panel(request, facility):
    """Section of the facility page: the facility's finished score cards."""
    cycles = list(ScorecardCycle.objects.public().filter(service_unit=facility).order_by("-closed_at")[:5])
    return render_to_string(
        "scorecards/panels/facility.html", {"cycles": cycles, "facility": facility}, request=request
    )
