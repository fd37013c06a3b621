"""Public endpoints: reference data, facilities, organisations, the public feedback record and
its statistics (read by anyone), and feedback submission (anyone, or a read and write key)."""

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import is_ratelimited
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from iltod.core.replicas import reads_from_replica
from iltod.feedback import services, stats
from iltod.feedback.models import Category, Feedback, Stat
from iltod.organizations.models import Organization
from iltod.places.models import AdminUnit, Sector, ServiceUnit

from . import filters
from .access import acting_key, key_actor
from .fields import CODE_PATTERN, is_code
from .permissions import PublicReadOrSubmit
from .serializers import (
    AdminUnitDetailSerializer,
    AdminUnitSerializer,
    CategorySerializer,
    FacilitySerializer,
    OrganizationSerializer,
    PublicFeedbackDetailSerializer,
    PublicFeedbackSerializer,
    SectorSerializer,
    StatisticsSerializer,
    SubmissionResultSerializer,
    SubmissionSerializer,
)

# AllowAny changes nothing at run time (every permission must agree); it marks the endpoints as
# open to anonymous callers in the OpenAPI schema.
PUBLIC = [permissions.AllowAny, PublicReadOrSubmit]


class PublicViewSet(viewsets.GenericViewSet):
    permission_classes = PUBLIC
    lookup_field = "code"
    lookup_value_regex = CODE_PATTERN


@extend_schema_view(list=extend_schema(summary="Sectors", tags=["reference data"]))
class SectorViewSet(mixins.ListModelMixin, PublicViewSet):
    """Public service sectors (health, education…)."""

    queryset = Sector.objects.order_by("order", "code", "pk")
    serializer_class = SectorSerializer
    filterset_class = filters.SectorFilter


@extend_schema_view(list=extend_schema(summary="Feedback categories", tags=["reference data"]))
class CategoryViewSet(mixins.ListModelMixin, PublicViewSet):
    """What feedback can be about, per sector: the ``category`` of a submission."""

    queryset = (
        Category.objects.filter(is_active=True)
        .select_related("sector")
        .order_by("sector__order", "order", "code", "pk")
    )
    serializer_class = CategorySerializer
    filterset_class = filters.CategoryFilter


@extend_schema_view(
    list=extend_schema(summary="Administrative units", tags=["places"]),
    retrieve=extend_schema(summary="An administrative unit, by NSO code", tags=["places"]),
)
class AdminUnitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PublicViewSet):
    """Country, capital and aimags, districts and soums, khoroos and bags, by NSO code."""

    queryset = AdminUnit.objects.select_related("parent").order_by("code", "pk")
    filterset_class = filters.AdminUnitFilter

    def get_serializer_class(self):
        return AdminUnitDetailSerializer if self.action == "retrieve" else AdminUnitSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset if self.action == "retrieve" else queryset.defer("boundary")


@extend_schema_view(
    list=extend_schema(summary="Facilities", tags=["places"]),
    retrieve=extend_schema(summary="A facility, by code", tags=["places"]),
)
class FacilityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PublicViewSet):
    """Schools, kindergartens, health centres, hospitals… The list shows active facilities."""

    serializer_class = FacilitySerializer
    filterset_class = filters.FacilityFilter

    def get_queryset(self):
        queryset = ServiceUnit.objects.select_related("sector", "admin_unit", "operator").order_by("name", "pk")
        return queryset if self.action == "retrieve" else queryset.filter(is_active=True)


@extend_schema_view(
    list=extend_schema(summary="Organisations", tags=["organisations"]),
    retrieve=extend_schema(summary="An organisation, by code", tags=["organisations"]),
)
class OrganizationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PublicViewSet):
    """Organisations with a public profile: ministries, departments, providers, CSOs, networks…"""

    queryset = (
        Organization.objects.public()
        .select_related("parent", "home_unit")
        .prefetch_related("sectors")
        .order_by("name", "pk")
    )
    serializer_class = OrganizationSerializer
    filterset_class = filters.OrganizationFilter


@extend_schema_view(
    list=extend_schema(summary="Public feedback record", tags=["feedback"]),
    retrieve=extend_schema(summary="A feedback item's public record, by tracking code", tags=["feedback"]),
    create=extend_schema(
        summary="Submit feedback",
        tags=["feedback"],
        request=SubmissionSerializer,
        responses={
            201: SubmissionResultSerializer,
            200: OpenApiResponse(
                SubmissionResultSerializer, description="The external_id was seen before: the item created then."
            ),
        },
    ),
)
class FeedbackViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, PublicViewSet):
    """The public record: no reporter details, text only once moderated, duplicates left out."""

    lookup_field = "tracking_code"
    filterset_class = filters.PublicFeedbackFilter

    def get_queryset(self):
        queryset = Feedback.objects.exclude(status=Feedback.Status.DUPLICATE).select_related(
            "category__sector", "service_unit", "admin_unit"
        )
        if self.action == "retrieve":
            queryset = queryset.select_related("handling_organization")
        return queryset.order_by("-received_at", "-pk")

    def get_serializer_class(self):
        if self.action == "create":
            return SubmissionSerializer
        return PublicFeedbackDetailSerializer if self.action == "retrieve" else PublicFeedbackSerializer

    def get_object(self):
        code = self.kwargs["tracking_code"].upper()
        feedback = self.get_queryset().filter(tracking_code=code).first()
        if feedback is None:
            raise Http404
        return feedback

    def create(self, request, *args, **kwargs):
        key = acting_key(request)
        if key is None and is_ratelimited(
            request,
            group="feedback-submit",
            key="ip",
            rate=settings.FEEDBACK_RATE_PER_IP,
            method=is_ratelimited.ALL,
            increment=True,
        ):
            # the web form's counter: the same address cannot double its quota through the API
            raise exceptions.Throttled(detail=_("Too many submissions from your connection. Please try again later."))
        serializer = SubmissionSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["external_id"] and key is None:
            raise exceptions.ValidationError({"external_id": [_("Only API keys can send an external id.")]})
        if data["phone"] and services.recent_submissions_by_phone(data["phone"]) >= settings.FEEDBACK_PER_PHONE_PER_DAY:
            raise exceptions.ValidationError({"phone": [_("Too many submissions from this phone number today.")]})
        submission = services.Submission(
            kind=data["kind"],
            category=data["category"],
            description=data["description"],
            service_unit=data.get("facility"),
            admin_unit=data.get("area"),
            location_text=data["location_text"],
            privacy=data["privacy"],
            reporter_name=data["name"].strip(),
            reporter_phone=data["phone"],
            reporter_email=data["email"],
            notify=data["notify"],
            language=data.get("language") or translation.get_language() or settings.LANGUAGE_CODE,
            channel=Feedback.Channel.API,
            # external ids are per organisation: one key cannot reach another organisation's items
            external_id=f"{key.organization.code}:{data['external_id']}" if key and data["external_id"] else "",
        )
        # a key's submission records the key on the timeline (the services write it)
        feedback, created = services.submit_feedback(submission, actor=key_actor(key) if key else None, request=request)
        result = {
            "tracking_code": feedback.tracking_code,
            "status": feedback.status,
            "received_at": feedback.received_at,
            "resolve_due": feedback.resolve_due if feedback.is_open else None,
            "track_url": request.build_absolute_uri(reverse("feedback:track", args=[feedback.tracking_code])),
            "created": created,
        }
        return Response(SubmissionResultSerializer(result).data, status=201 if created else 200)


# ---------------------------------------------------------------------------------------------
# Statistics: pre-aggregated rows (iltod.feedback.stats), one indexed read, never a scan.


class YearSerializer(serializers.Serializer):
    year = serializers.IntegerField(
        min_value=2000, max_value=2100, required=False, help_text=_("One year; leave out for all years.")
    )


CODE_PARAMETER = OpenApiParameter("code", str, OpenApiParameter.PATH, pattern=f"^{CODE_PATTERN}$")


class StatisticsView(APIView):
    permission_classes = PUBLIC
    scope = Stat.Scope.NATIONAL

    def get_scope_id(self, code) -> int:
        return 0

    @reads_from_replica
    def get(self, request, code=None):
        params = YearSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        year = params.validated_data.get("year")
        if code is not None and not is_code(code):
            raise Http404
        scope, scope_id = self.scope, self.get_scope_id(code)
        if scope_id is None:  # the country: its statistics are the national ones
            scope, scope_id = Stat.Scope.NATIONAL, 0
        summary = stats.summary(scope, scope_id, year)
        data = {
            "scope": str(self.scope),
            "code": code,
            "year": year,
            "received": summary.received,
            "resolved": summary.resolved,
            "resolved_on_time": summary.resolved_on_time,
            "resolved_percent": summary.resolved_percent,
            "on_time_percent": summary.on_time_percent,
            "median_days": summary.median_days,
            "rating_count": summary.rating_count,
            "satisfaction": summary.satisfaction,
            "solved_yes": summary.solved_yes,
        }
        return Response(StatisticsSerializer(data).data)


@extend_schema(
    summary="National feedback statistics",
    tags=["statistics"],
    parameters=[YearSerializer],
    responses=StatisticsSerializer,
)
class NationalStatisticsView(StatisticsView):
    pass


def _pk_for(queryset, code: str) -> int:
    pk = queryset.filter(code=code).values_list("pk", flat=True).first()
    if pk is None:
        raise Http404
    return pk


@extend_schema(
    summary="Feedback statistics of an administrative unit and everything in it",
    tags=["statistics"],
    parameters=[CODE_PARAMETER, YearSerializer],
    responses=StatisticsSerializer,
)
class AdminUnitStatisticsView(StatisticsView):
    scope = Stat.Scope.ADMIN_UNIT

    def get_scope_id(self, code):
        unit = AdminUnit.objects.filter(code=code).values("pk", "level").first()
        if unit is None:
            raise Http404
        return None if unit["level"] == AdminUnit.Level.COUNTRY else unit["pk"]


@extend_schema(
    summary="Feedback statistics of a facility",
    tags=["statistics"],
    parameters=[CODE_PARAMETER, YearSerializer],
    responses=StatisticsSerializer,
)
class FacilityStatisticsView(StatisticsView):
    scope = Stat.Scope.FACILITY

    def get_scope_id(self, code):
        return _pk_for(ServiceUnit.objects.all(), code.upper())


@extend_schema(
    summary="Feedback statistics of the items an organisation handles",
    tags=["statistics"],
    parameters=[CODE_PARAMETER, YearSerializer],
    responses=StatisticsSerializer,
)
class OrganizationStatisticsView(StatisticsView):
    scope = Stat.Scope.ORGANIZATION

    def get_scope_id(self, code):
        return _pk_for(Organization.objects.public(), code.upper())
