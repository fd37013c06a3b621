from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.utils.functional import cached_property

from iltod.core.panels import render_panels
from iltod.lib.tabular import tabular_response

from . import maps
from .forms import FacilitySearchForm
from .models import AdminUnit, Sector, ServiceUnit
from .search import facilities_near, search_facilities

FACILITIES_PER_PAGE = 25


class RankedPaginator(Paginator):
    """Counts the matches only up to ``cap``: a ranked list is read from the top, and counting all
    36 000 facilities that "Tsetserleg" or "kindergarten" matches costs more than the page itself.
    ``capped`` says that there are more than ``cap``."""

    cap = 1000

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @cached_property
    def _counted(self) -> int:
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self._counted > self.cap


def admin_unit_list(request):
    """Ulaanbaatar and the 21 aimags, with facility counts."""
    units = (
        AdminUnit.objects.current()
        .top_level()
        .without_shapes()
        .annotate(child_count=Count("children", distinct=True))
        .order_by("level", "name")
    )
    counts = _facility_counts_by_top_unit()
    rows = [(u, counts.get(u.pk, 0)) for u in units]
    return render(request, "places/admin_unit_list.html", {"rows": rows, "map": maps.national_map()})


def _facility_counts_by_top_unit() -> dict[int, int]:
    """Active facilities per aimag/capital, counted through the soum or district they are in."""
    counts: dict[int, int] = {}
    grouped = (
        ServiceUnit.objects.active()
        .values("admin_unit_id", "admin_unit__parent_id", "admin_unit__parent__parent_id", "admin_unit__level")
        .annotate(n=Count("id"))
    )
    for row in grouped:
        level = row["admin_unit__level"]
        if level in {AdminUnit.Level.CAPITAL, AdminUnit.Level.AIMAG}:  # e.g. an aimag hospital
            top = row["admin_unit_id"]
        elif level in {AdminUnit.Level.KHOROO, AdminUnit.Level.BAG}:
            top = row["admin_unit__parent__parent_id"]
        else:
            top = row["admin_unit__parent_id"]
        counts[top] = counts.get(top, 0) + row["n"]
    return counts


def admin_unit_detail(request, code):
    unit = get_object_or_404(
        AdminUnit.objects.select_related("parent").defer("boundary", "parent__boundary"), code=code
    )
    children = (
        unit.children.current()
        .without_shapes()
        .annotate(facility_count=Count("service_units", filter=Q(service_units__is_active=True), distinct=True))
        .order_by("name")
    )
    facilities = ServiceUnit.objects.active().in_area(unit)
    by_kind = facilities.values("kind").annotate(n=Count("id")).order_by("-n", "kind")  # ties: a stable order
    kind_labels = dict(ServiceUnit.Kind.choices)
    by_kind = [(kind_labels.get(r["kind"], r["kind"]), r["n"], r["kind"]) for r in by_kind]
    return render(
        request,
        "places/admin_unit_detail.html",
        {
            "unit": unit,
            "ancestors": [a for a in unit.ancestors() if a.level != AdminUnit.Level.COUNTRY],
            "children": children,
            "facility_total": sum(n for _label, n, _kind in by_kind),
            "by_kind": by_kind,
            "map": maps.unit_map(unit),
            "panels": render_panels("admin_unit", request, unit),
        },
    )


def facility_search(request):
    """The facility list: found by words (best first), browsed by place and kind, or nearest to a
    point the browser gave ("facilities near me")."""
    form = FacilitySearchForm(request.GET or None)
    facilities = ServiceUnit.objects.active().select_related("sector")
    near = None
    if form.is_valid():
        data = form.cleaned_data
        if data["sector"]:
            facilities = facilities.filter(sector=data["sector"])
        near = form.position()
        if near is not None:
            facilities = facilities_near(
                *near, queryset=facilities.filter(kind=data["kind"]) if data["kind"] else facilities
            )
        else:
            facilities = search_facilities(data["q"], area=data["area"], kind=data["kind"], queryset=facilities)
    else:
        facilities = facilities.with_areas(2).order_by("name", "pk")
    export = request.GET.get("export")
    if export in {"csv", "xlsx"}:
        return _export_facilities(facilities, export)
    ranked = near is None and form.is_valid() and form.cleaned_data["q"].strip()
    paginator = (RankedPaginator if ranked else Paginator)(facilities, FACILITIES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "places/facility_search.html",
        {"form": form, "page": page, "query": query.urlencode(), "sectors": Sector.objects.all(), "near": near},
    )


EXPORT_LIMIT = 50_000


def _export_facilities(facilities, fmt):
    header = [
        "code",
        "name_mn",
        "name_en",
        "sector",
        "kind",
        "admin_unit_code",
        "admin_unit",
        "aimag",
        "address_mn",
        "lat",
        "lon",
        "registry_code",
    ]
    rows = (
        [
            f.code,
            f.name_mn,
            f.name_en,
            f.sector.code,
            f.kind,
            f.admin_unit.code,
            f.admin_unit.name,
            f.admin_unit.parent.name if f.admin_unit.parent else "",
            f.address_mn,
            f.latitude,
            f.longitude,
            f.registry_code,
        ]
        for f in facilities[:EXPORT_LIMIT].iterator(chunk_size=2000)
    )
    return tabular_response("iltod-facilities", header, rows, fmt)


def facility_detail(request, code):
    facility = get_object_or_404(
        ServiceUnit.objects.with_areas(3).select_related("sector", "operator"),
        code=code,
    )
    area_chain = [
        a for a in [*facility.admin_unit.ancestors(), facility.admin_unit] if a.level != AdminUnit.Level.COUNTRY
    ]
    return render(
        request,
        "places/facility_detail.html",
        {
            "facility": facility,
            "area_chain": area_chain,
            "map": maps.facility_map(facility),
            "panels": render_panels("facility", request, facility),
        },
    )
