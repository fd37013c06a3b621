from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iltod.accounts.capabilities import Capability
from iltod.accounts.models import Membership
from iltod.accounts.permissions import has_capability
from iltod.accounts.services import revoke_membership
from iltod.core.panels import render_panels
from iltod.places.models import AdminUnit

from .forms import (
    MemberForm,
    MembershipReasonForm,
    NetworkMemberAddForm,
    NetworkMemberSearchForm,
    OrganizationSearchForm,
)
from .models import NetworkMembership, Organization
from .permissions import get_network_for_management, get_organization_for_member_management, grantable_roles
from .services import add_member, add_network_member, remove_network_member

PER_PAGE = 30


def organization_list(request):
    form = OrganizationSearchForm(request.GET or None)
    organizations = Organization.objects.public().select_related("home_unit").prefetch_related("sectors")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            organizations = organizations.search(data["q"])
        if data["kind"]:
            organizations = organizations.filter(kind=data["kind"])
        if data["sector"]:
            organizations = organizations.filter(sectors=data["sector"])
        if data["area"]:
            area_ids = data["area"].descendant_ids()
            organizations = organizations.filter(
                Q(home_unit_id__in=area_ids) | Q(covered_admin_units__in=area_ids)
            ).distinct()
    page = Paginator(organizations.order_by("name", "pk"), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "organizations/organization_list.html", {"form": form, "page": page, "query": query.urlencode()}
    )


def organization_detail(request, code):
    organization = get_object_or_404(
        Organization.objects.public().select_related("parent", "home_unit").prefetch_related("sectors"),
        code=code,
    )
    members = (
        organization.network_memberships.active()
        .filter(member__is_active=True, member__is_public=True)
        .select_related("member", "member__home_unit")
        if organization.is_network
        else NetworkMembership.objects.none()
    )
    # Only networks with a public profile: the others must not be named, nor linked to a 404.
    networks = (
        organization.memberships_in_networks.active()
        .filter(network__is_active=True, network__is_public=True)
        .select_related("network")
    )
    # Subnetworks are the child organisations of kind network; other children are listed as units.
    subnetworks = (
        organization.children.public()
        .networks()
        .annotate(
            member_count=Count(
                "network_memberships",
                filter=Q(network_memberships__left_on__isnull=True, network_memberships__suspended_on__isnull=True),
            )
        )
    )
    covered = organization.covered_admin_units.exclude(level=AdminUnit.Level.COUNTRY).order_by("code")[:50]
    operated = organization.operated_units.filter(is_active=True).select_related("admin_unit")
    return render(
        request,
        "organizations/organization_detail.html",
        {
            "organization": organization,
            "members": members,
            "networks": networks,
            "subnetworks": subnetworks,
            "covered": covered,
            "operated_count": operated.count(),
            "operated": operated.order_by("name")[:20],
            "children": organization.children.public().exclude(kind=Organization.Kind.NETWORK),
            "can_manage_network": organization.is_network
            and has_capability(request.user, Capability.MANAGE_NETWORK, organization),
            "panels": render_panels("organization", request, organization),
        },
    )


@login_required
def member_list(request, code):
    """People acting for an organisation, for those who may manage them."""
    organization = get_organization_for_member_management(request.user, code)
    form = MemberForm(request.POST or None, roles=grantable_roles(request.user, organization))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        membership, created_user = add_member(
            actor=request.user,
            organization=organization,
            email=data["email"],
            role=data["role"],
            full_name=data["full_name"],
            title=data["title"],
            request=request,
        )
        if created_user:
            messages.success(
                request,
                _("Account created for %(email)s; a link to set a password was sent.") % {"email": data["email"]},
            )
        else:
            messages.success(
                request,
                _("%(user)s is now %(role)s.") % {"user": membership.user, "role": membership.get_role_display()},
            )
        return redirect("organizations:members", code=organization.code)
    memberships = organization.memberships.filter(is_active=True).select_related("user").order_by("user__email")
    return render(
        request,
        "organizations/member_list.html",
        {"organization": organization, "memberships": memberships, "form": form},
    )


@login_required
@require_POST
def member_remove(request, code, membership_id):
    organization = get_organization_for_member_management(request.user, code)
    membership = get_object_or_404(Membership, pk=membership_id, organization=organization, is_active=True)
    if membership.user_id == request.user.pk:
        messages.error(request, _("You cannot remove yourself."))
    else:
        revoke_membership(actor=request.user, membership=membership, request=request)
        messages.success(request, _("%(user)s no longer acts for this organisation.") % {"user": membership.user})
    return redirect("organizations:members", code=organization.code)


# --- A network's member organisations, managed by those who may manage the network ------------

CANDIDATES = 20


def _network_page(request, network, add_form=None):
    search = NetworkMemberSearchForm(request.GET or None)
    current = network.network_memberships.current()
    candidates = Organization.objects.none()
    if search.is_valid() and search.cleaned_data["q"]:
        candidates = (
            Organization.objects.public()  # a profile kept off the public site is not offered either
            .search(search.cleaned_data["q"])
            .exclude(pk=network.pk)
            .exclude(pk__in=current.values("member_id"))
            .select_related("home_unit")
            .order_by("name", "pk")[:CANDIDATES]
        )
    memberships = current.select_related("member", "member__home_unit").order_by("member__name", "pk")
    page = Paginator(memberships, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organizations/network_members.html",
        {
            "network": network,
            "page": page,
            "query": query.urlencode(),
            "search": search,
            "candidates": candidates,
            "add_form": add_form,
        },
        status=400 if add_form is not None and add_form.errors else 200,
    )


@login_required
def network_members(request, code):
    """The network's member organisations, with a search to add more."""
    return _network_page(request, get_network_for_management(request.user, code))


@login_required
@require_POST
def network_member_add(request, code):
    network = get_network_for_management(request.user, code)
    form = NetworkMemberAddForm(request.POST, network=network)
    if not form.is_valid():
        return _network_page(request, network, add_form=form)
    member = form.cleaned_data["member"]
    add_network_member(
        actor=request.user,
        network=network,
        member=member,
        is_focal_point=form.cleaned_data["is_focal_point"],
        reason=form.cleaned_data["reason"],
        request=request,
    )
    messages.success(request, _("%(name)s is now a member of the network.") % {"name": member.name})
    return redirect("organizations:network_members", code=network.code)


@login_required
@require_POST
def network_member_remove(request, code, member_code):
    network = get_network_for_management(request.user, code)
    membership = get_object_or_404(
        network.network_memberships.current().select_related("member", "network"), member__code=member_code
    )
    form = MembershipReasonForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("reason", []):
            messages.error(request, error)
        return redirect("organizations:network_members", code=network.code)
    remove_network_member(
        actor=request.user, membership=membership, reason=form.cleaned_data["reason"], request=request
    )
    messages.success(request, _("%(name)s is no longer a member of the network.") % {"name": membership.member.name})
    return redirect("organizations:network_members", code=network.code)
