"""The network's resources (its administrators) and the value it creates (public)."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from iltod.accounts.capabilities import Capability
from iltod.accounts.permissions import organization_ids_with
from iltod.engagement.views.shared import page_of, query_without_page
from iltod.lib.numbers import whole_number
from iltod.organizations.models import Organization

from .. import services, stats
from ..models.strategy import Resource

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ResourceForm(forms.ModelForm):
    class Meta:
        model = Resource
        fields = ["kind", "status", "title", "source", "amount", "starts_on", "ends_on", "notes"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notes"].max_length = 5000
        self.fields["amount"].max_value = 10**13


def _network(user):
    """The network whose resources ``user`` keeps: one where they hold "manage the network"."""
    if not user.is_authenticated:
        return None
    networks = Organization.objects.networks().order_by("parent_id", "pk")
    if not user.is_superuser:
        networks = networks.filter(pk__in=organization_ids_with(user, Capability.MANAGE_NETWORK))
    return networks.first()


@login_required
def resources(request):
    network = _network(request.user)
    if network is None:
        raise Http404
    form = ResourceForm(request.POST or None, initial={"starts_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_resource(actor=request.user, network=network, request=request, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The resource was recorded."))
            return redirect("learning:resources")
    return render(
        request,
        "learning/resources.html",
        {
            "network": network,
            "form": form,
            "summary": services.yearly_summary(network),
            "items": page_of(request, Resource.objects.filter(network=network).order_by("-starts_on", "-pk"), 50),
            "query": query_without_page(request),
        },
        status=400 if request.method == "POST" else 200,
    )


def value(request):
    """The value the network creates, from the platform's own data, for one year."""
    this_year = timezone.localdate().year
    year = request.GET.get("year", "")
    year = whole_number(year, max_digits=4)
    year = year if year is not None and 2000 <= year <= this_year else this_year
    return render(
        request,
        "learning/value.html",
        {
            "year": year,
            "years": range(this_year, this_year - 5, -1),
            "figures": services.value_figures(year),
            "headline": stats.headline(),
            "since": datetime.date(year, 1, 1),
            "caption": gettext_lazy("The platform's figures"),
        },
    )


urlpatterns = [
    path("resources/", resources, name="resources"),
    path("value/", value, name="value"),
]
