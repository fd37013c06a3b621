from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from iltod.places.models import AdminUnit

from .forms import OrganizationSearchForm
from .models import NetworkMembership, Organization

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
    return render(request, "organizations/organization_list.html",
                  {"form": form, "page": page, "query": query.urlencode()})


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
    networks = organization.memberships_in_networks.current().select_related("network")
    subnetworks = organization.children.public().annotate(
        member_count=Count("network_memberships", filter=Q(network_memberships__left_on__isnull=True))
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
