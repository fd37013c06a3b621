"""Query parameters of the list endpoints. A value that does not fit (an unknown code, a bad date,
an unknown ordering) is a 400 with the parameter named in ``fields``."""

import django_filters as df
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from iltod.feedback.forms import InboxFilterForm
from iltod.feedback.models import Category, Feedback, Kind
from iltod.feedback.permissions import work_list
from iltod.lib.translit import search_key
from iltod.organizations.models import Organization
from iltod.places.models import AdminUnit, Sector, ServiceUnit

from .access import Principal
from .fields import CodeFilter, StrictBooleanFilter

SEARCH_HELP = _("Text to look for, in Cyrillic or in Latin letters (e.g. “surguuli” finds “сургууль”).")


class StableOrderingFilter(df.OrderingFilter):
    """``?ordering=name`` or ``-name``; ties are broken by the internal key so pages never overlap."""

    def filter(self, qs, value):
        if not value:
            return qs
        ordering = [self.get_ordering_value(param) for param in value if param]
        last = ordering[-1] if ordering else ""
        return qs.order_by(*ordering, "-pk" if last.startswith("-") else "pk")


class SectorFilter(df.FilterSet):
    ordering = StableOrderingFilter(fields=["order", "code"])

    class Meta:
        model = Sector
        fields: list[str] = []


class CategoryFilter(df.FilterSet):
    sector = CodeFilter(queryset=Sector.objects.all(), help_text=_("Sector code, e.g. health or education."))
    ordering = StableOrderingFilter(fields=["code", "order"])

    class Meta:
        model = Category
        fields: list[str] = []


class AdminUnitFilter(df.FilterSet):
    level = df.ChoiceFilter(choices=AdminUnit.Level.choices)
    parent = CodeFilter(queryset=AdminUnit.objects.all(), help_text=_("Code of the parent unit, e.g. 65."))
    current = StrictBooleanFilter(
        method="filter_current", help_text=_("true: only units valid today; false: only units not valid today.")
    )
    q = df.CharFilter(method="filter_q", max_length=100, help_text=SEARCH_HELP)
    ordering = StableOrderingFilter(fields=["code", "name", "level"])

    class Meta:
        model = AdminUnit
        fields: list[str] = []

    def filter_current(self, queryset, name, value):
        current = AdminUnit.objects.current().values("pk")
        return queryset.filter(pk__in=current) if value else queryset.exclude(pk__in=current)

    def filter_q(self, queryset, name, value):
        return queryset.search(value)


class FacilityFilter(df.FilterSet):
    sector = CodeFilter(queryset=Sector.objects.all(), help_text=_("Sector code, e.g. health or education."))
    kind = df.ChoiceFilter(choices=ServiceUnit.Kind.choices)
    area = CodeFilter(
        queryset=AdminUnit.objects.all(),
        method="filter_area",
        help_text=_("Code of an administrative unit: facilities in it and in every unit below it."),
    )
    operator = CodeFilter(queryset=Organization.objects.public(), help_text=_("Code of the operating organisation."))
    q = df.CharFilter(method="filter_q", max_length=100, help_text=SEARCH_HELP)
    ordering = StableOrderingFilter(fields=["name", "code"])

    class Meta:
        model = ServiceUnit
        fields: list[str] = []

    def filter_area(self, queryset, name, value: AdminUnit):
        return queryset.in_area(value)

    def filter_q(self, queryset, name, value):
        return queryset.search(value)


class OrganizationFilter(df.FilterSet):
    kind = df.ChoiceFilter(choices=Organization.Kind.choices)
    sector = CodeFilter(
        queryset=Sector.objects.all(), field_name="sectors", help_text=_("Sector code, e.g. health or education.")
    )
    area = CodeFilter(
        queryset=AdminUnit.objects.all(),
        method="filter_area",
        help_text=_("Code of an administrative unit: organisations based in it or covering it or a unit below it."),
    )
    q = df.CharFilter(method="filter_q", max_length=100, help_text=SEARCH_HELP)
    ordering = StableOrderingFilter(fields=["name", "code"])

    class Meta:
        model = Organization
        fields: list[str] = []

    def filter_area(self, queryset, name, value: AdminUnit):
        area_ids = value.descendant_ids()
        matching = Organization.objects.filter(Q(home_unit_id__in=area_ids) | Q(covered_admin_units__in=area_ids))
        return queryset.filter(pk__in=matching.values("pk"))

    def filter_q(self, queryset, name, value):
        return queryset.search(value)


class PublicFeedbackFilter(df.FilterSet):
    STATUS_GROUPS = [("open", _("open")), ("resolved", _("resolved or closed"))]

    kind = df.ChoiceFilter(choices=Kind.choices)
    status = df.ChoiceFilter(choices=STATUS_GROUPS, method="filter_status")
    category = CodeFilter(queryset=Category.objects.all(), help_text=_("Category code, e.g. edu-meals."))
    sector = CodeFilter(
        queryset=Sector.objects.all(),
        field_name="category__sector",
        help_text=_("Sector code, e.g. health or education."),
    )
    facility = CodeFilter(queryset=ServiceUnit.objects.all(), field_name="service_unit", help_text=_("Facility code."))
    area = CodeFilter(
        queryset=AdminUnit.objects.all(),
        method="filter_area",
        help_text=_("Code of an administrative unit: feedback about it and every unit below it."),
    )
    q = df.CharFilter(
        method="filter_q",
        max_length=100,
        help_text=_("Text to look for in the published text of feedback (Cyrillic or Latin)."),
    )
    received_after = df.DateFilter(
        field_name="received_at",
        method="filter_received_after",
        help_text=_("Received on or after this date (YYYY-MM-DD, Ulaanbaatar time)."),
    )
    received_before = df.DateFilter(
        field_name="received_at",
        method="filter_received_before",
        help_text=_("Received on or before this date (YYYY-MM-DD, Ulaanbaatar time)."),
    )
    ordering = StableOrderingFilter(fields=["received_at"])

    class Meta:
        model = Feedback
        fields: list[str] = []

    def filter_status(self, queryset, name, value):
        if value == "open":
            return queryset.open()
        return queryset.filter(status__in=[Feedback.Status.RESOLVED, Feedback.Status.CLOSED])

    def filter_area(self, queryset, name, value: AdminUnit):
        return queryset.filter(admin_unit_id__in=value.descendant_ids())

    def filter_q(self, queryset, name, value):
        key = search_key(value)
        if not key:
            return queryset
        return queryset.filter(moderation=Feedback.Moderation.PUBLISHED, public_search_key__contains=key)

    def filter_received_after(self, queryset, name, value):
        return queryset.filter(received_at__date__gte=value)

    def filter_received_before(self, queryset, name, value):
        return queryset.filter(received_at__date__lte=value)


class StaffFeedbackFilter(df.FilterSet):
    """The web inbox's filters. ``view`` picks a work list (open items by default)."""

    VIEWS = [(value, label) for value, label in InboxFilterForm.VIEWS]

    view = df.ChoiceFilter(
        choices=VIEWS,
        method="filter_view",
        empty_label=None,
        help_text=_(
            "Work list: open (default), overdue, due_soon (within 5 days), unassigned, "
            "mine (people only), escalated (to your organisation), overseen (open items handled by the "
            "bodies your organisation oversees; read only until taken over), closed or all."
        ),
    )
    q = df.CharFilter(method="filter_q", max_length=100, help_text=_("A tracking code, or text to look for."))
    status = df.ChoiceFilter(choices=Feedback.Status.choices)
    category = CodeFilter(queryset=Category.objects.all(), help_text=_("Category code, e.g. edu-meals."))
    channel = df.ChoiceFilter(choices=Feedback.Channel.choices)
    facility = CodeFilter(queryset=ServiceUnit.objects.all(), field_name="service_unit", help_text=_("Facility code."))
    ordering = StableOrderingFilter(
        fields=["resolve_due", "received_at"],
        help_text=_("Default: resolve_due for work lists, -received_at for closed and all."),
    )

    class Meta:
        model = Feedback
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.principal = Principal.from_request(self.request) if self.request is not None else None

    def filter_view(self, queryset, name, value):
        return self._apply_view(queryset, value)

    def _apply_view(self, queryset, view):
        if self.principal is None:
            return queryset.none()
        # The work lists of the web inbox (iltod.feedback.permissions.work_list): what the
        # organisation handles or had escalated to it, or the open items it only oversees.
        queryset = work_list(self.principal.actor, queryset, overseen=view == "overseen")
        if view == "mine":
            user = self.principal.user
            return queryset.filter(assigned_to=user).open() if user is not None else queryset.none()
        own = self.principal.organization_ids
        views = {
            "open": lambda qs: qs.open(),
            "overdue": lambda qs: qs.overdue(),
            "due_soon": lambda qs: qs.due_soon(),
            "unassigned": lambda qs: qs.open().filter(assigned_to__isnull=True),
            "escalated": lambda qs: qs.open().filter(escalated_to_id__in=own),
            "overseen": lambda qs: qs,
            "closed": lambda qs: qs.exclude(status__in=Feedback.OPEN_STATUSES),
            "all": lambda qs: qs,
        }
        return views[view](queryset)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        view = data.get("view") or "open"
        if not data.get("view"):
            queryset = self._apply_view(queryset, view)
        if not data.get("ordering"):
            order = ["-received_at", "-pk"] if view in {"closed", "all"} else ["resolve_due", "pk"]
            queryset = queryset.order_by(*order)
        return queryset

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(tracking_code__iexact=value) | Q(search_key__contains=search_key(value)))
