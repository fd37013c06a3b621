"""The public member directory of a network, and its administrator's page for members and
subnetworks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iltod.lib.tabular import tabular_response
from iltod.organizations.models import NetworkMembership, Organization
from iltod.organizations.services import (
    create_subnetwork,
    reinstate_network_member,
    remove_network_member,
    subnetwork_membership,
    suspend_network_member,
)

from ..forms.members import DirectoryForm, ReasonForm, SubnetworkForm
from ..permissions import can_manage_network, get_network_to_manage
from ..services.members import directory, management_rows, subnetwork_rows, subnetworks_of

PER_PAGE = 30


def member_directory(request, code):
    network = get_object_or_404(Organization.objects.public().networks(), code=code)
    subnetworks = subnetworks_of(network)
    form = DirectoryForm(request.GET or None, subnetworks=subnetworks)
    filters = form.cleaned_data if form.is_valid() else {}
    members = directory(
        network,
        aimag=filters.get("aimag"),
        sector=filters.get("sector"),
        kind=filters.get("kind", ""),
        tool=filters.get("tool", ""),
        subnetwork=filters.get("subnetwork"),
    )
    fmt = request.GET.get("format")
    if fmt in {"csv", "xlsx"}:
        return _export(network, members, fmt)
    page = Paginator(members, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "learning/members/directory.html",
        {
            "network": network,
            "subnetworks": subnetworks,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_manage": can_manage_network(request.user, network),
        },
    )


def _export(network, members, fmt):
    header = [
        _("Code"),
        _("Name"),
        _("Type"),
        _("Aimag or capital"),
        _("Sectors"),
        _("Tools used"),
        _("Profile validated on"),
        _("Website"),
    ]

    def rows():
        for org in members:
            profile = org.current_profiles[0] if org.current_profiles else None
            yield [
                org.code,
                org.name,
                org.get_kind_display(),
                org.home_unit.name if org.home_unit else "",
                ", ".join(s.name for s in org.sectors.all()),
                ", ".join(t.get_tool_display() for t in profile.tools.all()) if profile else "",
                profile.reviewed_at.date() if profile and profile.reviewed_at else "",
                org.website,
            ]

    return tabular_response(f"iltod-members-{network.code}", header, rows(), fmt)


@login_required
def members_manage(request, code):
    network = get_network_to_manage(request.user, code)
    page = Paginator(management_rows(network), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "learning/members/manage.html",
        {
            "network": network,
            "page": page,
            "reason_form": ReasonForm(),
            "subnetwork_form": SubnetworkForm(),
            "subnetworks": subnetwork_rows(network),
        },
    )


ACTIONS = {
    "suspend": (suspend_network_member, lambda m: m.left_on is None and m.suspended_on is None),
    "reinstate": (reinstate_network_member, lambda m: m.left_on is None and m.suspended_on is not None),
    "remove": (remove_network_member, lambda m: m.left_on is None),
}


@login_required
@require_POST
def member_change(request, code, member_code, action):
    network = get_network_to_manage(request.user, code)
    if action not in ACTIONS:
        return redirect("learning:members_manage", code=network.code)
    service, allowed = ACTIONS[action]
    membership = (
        NetworkMembership.objects.select_related("member", "network")
        .filter(network=network, member__code=member_code)
        .first()
    )
    subnetwork = None
    if membership is None:  # a subnetwork never changed before: in good standing, no row yet
        subnetwork = get_object_or_404(subnetworks_of(network), code=member_code)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("reason", []):
            messages.error(request, error)
    elif not allowed(membership or NetworkMembership(network=network, member=subnetwork)):
        messages.error(request, _("This change does not apply to the membership as it is now."))
    else:
        with transaction.atomic():
            if membership is None:  # the row that keeps the subnetwork's standing and history
                membership = subnetwork_membership(network=network, subnetwork=subnetwork)
            service(actor=request.user, membership=membership, reason=form.cleaned_data["reason"], request=request)
        messages.success(request, _("The membership of %(name)s was changed.") % {"name": membership.member.name})
    return redirect("learning:members_manage", code=network.code)


@login_required
@require_POST
def subnetwork_add(request, code):
    network = get_network_to_manage(request.user, code)
    form = SubnetworkForm(request.POST)
    if form.is_valid():
        subnetwork = create_subnetwork(actor=request.user, network=network, request=request, **form.cleaned_data)
        messages.success(request, _("Subnetwork %(name)s created.") % {"name": subnetwork.name})
    else:
        messages.error(request, _("Give the subnetwork a name in Mongolian."))
    return redirect("learning:members_manage", code=network.code)
