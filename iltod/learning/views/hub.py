"""The learning module's front page: the networks and their member directories, the competency
framework, and the way to trainings, the strategic plan, the library and the network's value."""

from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from iltod.organizations.models import Organization

from .. import stats
from ..models import Framework, LibraryItem, Training

LATEST_ITEMS = 5


def learning_home(request):
    networks = Organization.objects.public().networks().order_by("name")
    frameworks = {}
    for framework in Framework.objects.filter(network__in=networks).select_related("network"):
        frameworks.setdefault(framework.network_id, framework)  # ordered by network, newest version first
    counts = Training.objects.filter(is_public=True).aggregate(
        trainings=Count("pk"), upcoming=Count("pk", filter=Q(starts_on__gte=timezone.localdate()))
    )
    return render(
        request,
        "learning/home.html",
        {
            "networks": networks,
            "frameworks": list(frameworks.values()),
            "trainings": counts,
            "headline": stats.headline(),
            "library": LibraryItem.objects.filter(published__isnull=False)
            .select_related("published")
            .order_by("-published__published_at", "-pk")[:LATEST_ITEMS],
        },
    )


urlpatterns = [path("", learning_home, name="home")]
