"""REST API of budgets, transfers and Local Development Fund projects: public reads with filters
and pages, and imports of rows for publishers (a person's session, or an organisation's read and
write API key acting as its organisation). A row is the same dictionary as a row of the CSV import
(the same column names); rows are numbered from 1 in the errors, and nothing is saved unless every
row is valid. JSON bodies go through the API's parser (``iltod.lib.jsonbody``)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from iltod.disclosure import permissions as guards
from iltod.disclosure.models import BudgetLine, LdfProject, MonitoringReport, Transfer
from iltod.disclosure.services import budgets as budget_services
from iltod.disclosure.services import projects as project_services
from iltod.lib.tabular import Row
from iltod.places.models import AdminUnit

from .access import Principal
from .errors import error_body
from .fields import CODE_PATTERN, CodeFilter
from .permissions import READ_ONLY_KEY, KnownCaller

MAX_ROWS = 5_000


class BudgetLineSerializer(serializers.ModelSerializer):
    body = serializers.SlugRelatedField(source="organization", slug_field="code", read_only=True)
    facility = serializers.SlugRelatedField(source="service_unit", slug_field="code", read_only=True)

    class Meta:
        model = BudgetLine
        fields = [
            "body",
            "facility",
            "fiscal_year",
            "code",
            "administrative_code",
            "functional_code",
            "functional_label",
            "economic_code",
            "economic_label",
            "approved",
            "adjusted",
            "executed",
            "updated_at",
        ]


class TransferSerializer(serializers.ModelSerializer):
    from_body = serializers.SlugRelatedField(source="from_organization", slug_field="code", read_only=True)
    to_body = serializers.SlugRelatedField(source="to_organization", slug_field="code", read_only=True)
    to_facility = serializers.SlugRelatedField(source="to_service_unit", slug_field="code", read_only=True)
    area = serializers.SlugRelatedField(source="admin_unit", slug_field="code", read_only=True)
    previous_step = serializers.SerializerMethodField()
    leakage = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, allow_null=True)
    delay_days = serializers.SerializerMethodField()

    class Meta:
        model = Transfer
        fields = [
            "from_body",
            "fiscal_year",
            "code",
            "purpose",
            "previous_step",
            "to_body",
            "to_facility",
            "area",
            "allocated",
            "released",
            "received",
            "allocated_on",
            "expected_on",
            "released_on",
            "received_on",
            "leakage",
            "delay_days",
        ]

    def get_previous_step(self, step) -> str:
        return f"{step.parent.from_organization.code}:{step.parent.code}" if step.parent_id else ""

    def get_delay_days(self, step) -> int | None:
        return step.delay_days()


class ReportSerializer(serializers.ModelSerializer):
    feedback = serializers.SlugRelatedField(slug_field="tracking_code", read_only=True)

    class Meta:
        model = MonitoringReport
        fields = ["code", "visited_on", "progress_seen", "rating", "problems", "comment", "feedback"]


class LdfProjectSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(source="admin_unit", slug_field="code", read_only=True)
    contractor = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = LdfProject
        fields = [
            "code",
            "external_id",
            "area",
            "fiscal_year",
            "title_mn",
            "title_en",
            "category",
            "latitude",
            "longitude",
            "amount_approved",
            "amount_spent",
            "contractor",
            "ocid",
            "status",
            "progress",
            "started_on",
            "due_on",
            "completed_on",
            "description",
            "updated_at",
        ]


class LdfProjectDetailSerializer(LdfProjectSerializer):
    reports = serializers.SerializerMethodField()

    class Meta(LdfProjectSerializer.Meta):
        fields = [*LdfProjectSerializer.Meta.fields, "reports"]

    def get_reports(self, project) -> list[dict]:
        """Citizens' reports once moderated and published."""
        return ReportSerializer(project.reports.public().select_related("feedback"), many=True).data


class ImportSerializer(serializers.Serializer):
    rows = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=5000)),
        allow_empty=False,
        max_length=MAX_ROWS,
        help_text="The rows, each a dictionary with the CSV import's column names; values as text.",
    )
    dry_run = serializers.BooleanField(default=False, help_text="Check every row, save nothing.")


class ProjectImportSerializer(ImportSerializer):
    """Projects and their milestones, as the two sheets of the file import; either may be empty."""

    rows = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=5000)),
        required=False,
        default=list,
        max_length=MAX_ROWS,
        help_text="The project rows, each a dictionary with the CSV import's column names; values as text.",
    )
    milestones = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=5000)),
        required=False,
        default=list,
        max_length=MAX_ROWS,
        help_text="Milestone rows (project, title, planned_on, done_on), upserted by project and title; a "
        "milestone's project is in ``rows`` or already published.",
    )

    def validate(self, attrs):
        if not attrs["rows"] and not attrs["milestones"]:
            raise serializers.ValidationError({"rows": [_("Send at least one project or milestone row.")]})
        return attrs


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    dry_run = serializers.BooleanField()


class ProjectImportResultSerializer(ImportResultSerializer):
    milestones_created = serializers.IntegerField()
    milestones_updated = serializers.IntegerField()
    milestones_unchanged = serializers.IntegerField()


def _rows(values: list[dict]) -> list[Row]:
    return [
        Row(number, {str(k).lower().strip(): v.strip() for k, v in row.items()})
        for number, row in enumerate(values, start=1)
    ]


def _run_import(request, importer, allowed, *, serializer_class=ImportSerializer) -> Response:
    """The import of rows for a publisher: 401 without a caller, 403 for a read-only key, 404 for
    someone who publishes nothing of the kind, 400 with every row's errors. Lists other than
    ``rows`` in the serializer (the projects' ``milestones``) go to the importer by their name."""
    principal = Principal.from_request(request)
    if principal is None:
        raise exceptions.NotAuthenticated()
    if principal.api_key is not None and not principal.can_write:
        raise exceptions.PermissionDenied(READ_ONLY_KEY)
    if allowed(principal.actor) == []:
        raise exceptions.NotFound()
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    lists = {name: _rows(values) for name, values in data.items() if name not in {"rows", "dry_run"}}
    report = importer(_rows(data["rows"]), actor=principal.actor, dry_run=data["dry_run"], source="api", **lists)
    if not report.ok:  # the API's error body: "rows.<row>.<column>", or "<list>.<row>.<column>"
        fields: dict[str, list[str]] = {}
        for e in report.errors:
            name, _dot, column = e.column.rpartition(".")
            fields.setdefault(f"{name if name in lists else 'rows'}.{e.row}.{column}", []).append(str(e.message))
        body = error_body("invalid", str(_("Some rows are not valid; nothing was saved. See “fields”.")), fields)
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    counts = {"created": report.created, "updated": report.updated, "unchanged": report.unchanged}
    for name in lists:
        counts |= {f"{name}_{what}": getattr(report, f"{name}_{what}") for what in ("created", "updated", "unchanged")}
    return Response(counts | {"dry_run": report.dry_run})


class BudgetLineFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="fiscal_year")
    body = django_filters.CharFilter(field_name="organization__code", lookup_expr="iexact")
    facility = django_filters.CharFilter(field_name="service_unit__code", lookup_expr="iexact")

    class Meta:
        model = BudgetLine
        fields = ["year", "body", "facility"]


IMPORT_SCHEMA = {"request": ImportSerializer, "responses": {200: ImportResultSerializer}}


@extend_schema_view(list=extend_schema(summary="Budget lines", tags=["budgets"]))
class BudgetLineViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Approved, adjusted and executed budgets per body, facility and fiscal year (MNT)."""

    permission_classes = [permissions.AllowAny]
    serializer_class = BudgetLineSerializer
    filterset_class = BudgetLineFilter
    queryset = BudgetLine.objects.select_related("organization", "service_unit").order_by(
        "-fiscal_year", "organization__code", "code"
    )

    @extend_schema(summary="Import budget lines (upsert by body, year and code)", tags=["budgets"], **IMPORT_SCHEMA)
    @action(detail=False, methods=["post"], url_path="import", permission_classes=[KnownCaller])
    def import_rows(self, request):
        return _run_import(request, budget_services.import_budget_lines, guards.budget_body_ids)


class TransferFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="fiscal_year")
    from_body = django_filters.CharFilter(field_name="from_organization__code", lookup_expr="iexact")
    to_facility = django_filters.CharFilter(field_name="to_service_unit__code", lookup_expr="iexact")
    area = CodeFilter(
        queryset=AdminUnit.objects.defer("boundary"),
        method="filter_area",
        help_text=_("Code of an administrative unit: the area and every unit below it."),
    )

    class Meta:
        model = Transfer
        fields = ["year", "from_body", "to_facility", "area"]

    def filter_area(self, queryset, name, value: AdminUnit):
        return queryset.in_area(value)


@extend_schema_view(list=extend_schema(summary="Transfer steps", tags=["budgets"]))
class TransferViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Each step of money down the chain, with its leakage (allocated − received) and delay."""

    permission_classes = [permissions.AllowAny]
    serializer_class = TransferSerializer
    filterset_class = TransferFilter
    queryset = Transfer.objects.select_related(
        "from_organization", "to_organization", "to_service_unit", "admin_unit", "parent__from_organization"
    ).order_by("-fiscal_year", "from_organization__code", "code")

    @extend_schema(summary="Import transfer steps (upsert by sender, year and code)", tags=["budgets"], **IMPORT_SCHEMA)
    @action(detail=False, methods=["post"], url_path="import", permission_classes=[KnownCaller])
    def import_rows(self, request):
        return _run_import(request, budget_services.import_transfers, guards.budget_body_ids)


class LdfProjectFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="fiscal_year")
    status = django_filters.ChoiceFilter(choices=LdfProject.Status.choices)
    category = django_filters.ChoiceFilter(choices=LdfProject.Category.choices)
    area = CodeFilter(
        queryset=AdminUnit.objects.defer("boundary"),
        method="filter_area",
        help_text=_("Code of an administrative unit: the area and every unit below it."),
    )
    ocid = django_filters.CharFilter(field_name="ocid")

    class Meta:
        model = LdfProject
        fields = ["year", "status", "category", "area", "ocid"]

    def filter_area(self, queryset, name, value: AdminUnit):
        return queryset.filter(Q(admin_unit=value) | Q(admin_unit__parent=value) | Q(admin_unit__parent__parent=value))


@extend_schema_view(
    list=extend_schema(summary="Local Development Fund projects", tags=["ldf projects"]),
    retrieve=extend_schema(summary="A project, with its published citizens' reports", tags=["ldf projects"]),
)
class LdfProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Projects of the soums' and districts' Local Development Funds."""

    permission_classes = [permissions.AllowAny]
    filterset_class = LdfProjectFilter
    lookup_field = "code"
    lookup_value_regex = CODE_PATTERN
    queryset = LdfProject.objects.select_related("admin_unit", "contractor").order_by("-fiscal_year", "external_id")

    def get_serializer_class(self):
        return LdfProjectDetailSerializer if self.action == "retrieve" else LdfProjectSerializer

    @extend_schema(
        summary="Import projects and their milestones (upsert by external id, and by project and title)",
        tags=["ldf projects"],
        request=ProjectImportSerializer,
        responses={200: ProjectImportResultSerializer},
    )
    @action(detail=False, methods=["post"], url_path="import", permission_classes=[KnownCaller])
    def import_rows(self, request):
        return _run_import(
            request,
            project_services.import_projects,
            guards.managed_ldf_area_ids,
            serializer_class=ProjectImportSerializer,
        )
