from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iltod.accounts.capabilities import Capability, Role
from iltod.accounts.models import Membership
from iltod.accounts.permissions import has_capability
from iltod.accounts.services import revoke_membership
from iltod.places.models import AdminUnit

from .forms import MemberForm, OrganizationSearchForm
from .models import NetworkMembership, Organization
from .permissions import get_organization_for_member_management
from .services import add_member

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
        organization.network_memberships.current()
        .filter(member__is_active=True, member__is_public=True)
        .select_related("member", "member__home_unit")
        if organization.is_network
        else NetworkMembership.objects.none()
    )
    # Only networks with a public profile: the others must not be named, nor linked to a 404.
    networks = (
        organization.memberships_in_networks.current()
        .filter(network__is_active=True, network__is_public=True)
        .select_related("network")
    )
    # Subnetworks are the child organisations of kind network; other children are listed as units.
    subnetworks = (
        organization.children.public()
        .networks()
        .annotate(member_count=Count("network_memberships", filter=Q(network_memberships__left_on__isnull=True)))
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
        },
    )


@login_required
def member_list(request, code):
    """People acting for an organisation, for those who may manage them."""
    organization = get_organization_for_member_management(request.user, code)
    can_grant_admin = has_capability(request.user, Capability.MANAGE_MEMBERS, organization) and (
        request.user.is_superuser
        or request.user.memberships.filter(organization=organization, role=Role.ADMIN, is_active=True).exists()
    )
    form = MemberForm(request.POST or None, can_grant_admin=can_grant_admin)
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
