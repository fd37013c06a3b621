"""REST API of disclosure obligations: the requirements, every body's disclosures and the monthly
compliance counts (public, with filters and pages), and publishing or explaining a disclosure
(a publisher's session, or an organisation's read and write API key acting as its organisation).

JSON bodies go through the API's parser (``iltod.lib.jsonbody``); a document is sent as
multipart form data and cleaned like every upload. The serializers validate, the services decide,
the guards of ``iltod.disclosure.permissions`` say who may: the same as on the pages."""

import django_filters
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from iltod.disclosure.models import ComplianceSummary, Disclosure, DisclosureRequirement
from iltod.disclosure.opendata import get_dataset
from iltod.disclosure.permissions import can_publish_for, public_disclosures
from iltod.disclosure.services import obligations as services
from iltod.organizations.models import Organization

from .access import Principal
from .fields import CODE_PATTERN
from .parsers import JSONParser
from .permissions import READ_ONLY_KEY, KnownCaller, PublicReadOrSubmit


class RequirementSerializer(serializers.ModelSerializer):
    sectors = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    admin_units = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = DisclosureRequirement
        fields = [
            "code", "title_mn", "title_en", "description_mn", "description_en", "organization_kinds", "sectors",
            "admin_units", "frequency", "threshold", "deadline_days", "deadline_day_kind", "legal_basis_mn",
            "legal_basis_en", "form", "dataset_code", "starts_on", "is_example",
        ]  # fmt: skip


class DisclosureSerializer(serializers.ModelSerializer):
    requirement = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)
    aimag = serializers.SlugRelatedField(slug_field="code", read_only=True)
    sector = serializers.SlugRelatedField(slug_field="code", read_only=True)
    has_document = serializers.SerializerMethodField()

    class Meta:
        model = Disclosure
        fields = [
            "code", "requirement", "organization", "aimag", "sector", "period_start", "period_end", "due_on", "status",
            "event_description", "event_amount", "published_at", "has_document", "dataset_code", "dataset_period",
            "note", "explanation", "explained_at",
        ]  # fmt: skip

    def get_has_document(self, disclosure) -> bool:
        return bool(disclosure.document)


class ComplianceSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)
    aimag = serializers.SlugRelatedField(slug_field="code", read_only=True)
    sector = serializers.SlugRelatedField(slug_field="code", read_only=True)
    due = serializers.IntegerField(read_only=True, help_text="On time + late + missing.")

    class Meta:
        model = ComplianceSummary
        fields = ["organization", "aimag", "sector", "month", "on_time", "late", "missing", "upcoming", "due"]


class PublishSerializer(serializers.Serializer):
    document = serializers.FileField(required=False, help_text="A PDF, XLSX or CSV file (multipart form data).")
    dataset_code = serializers.CharField(required=False, allow_blank=True, max_length=64)
    dataset_period = serializers.CharField(required=False, allow_blank=True, max_length=32)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)

    def validate_document(self, upload):
        try:
            return services.clean_document(upload)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from None

    def validate_dataset_code(self, code):
        if code and get_dataset(code) is None:
            raise serializers.ValidationError(_("No open dataset has this code."))
        return code

    def validate(self, data):
        if not data.get("document") and not data.get("dataset_code"):
            raise serializers.ValidationError(_("Attach a document or name the dataset that holds the data."))
        if data.get("document") and data.get("dataset_code"):
            raise serializers.ValidationError(_("Attach a document or name a dataset, not both."))
        if data.get("dataset_code") and not data.get("dataset_period"):
            message = _("Say which period of the dataset holds the data.")
            raise serializers.ValidationError({"dataset_period": [message]})
        return data


class EventSerializer(serializers.Serializer):
    requirement = serializers.CharField(max_length=64, help_text="The code of a requirement per event.")
    organization = serializers.RegexField(CODE_PATTERN, max_length=12, help_text="The body's public code.")
    event_date = serializers.DateField()
    description = serializers.CharField(max_length=255, help_text="What happened.")
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0, required=False, allow_null=True)

    def validate_requirement(self, code):
        requirement = (
            DisclosureRequirement.objects.active()
            .filter(code=code, frequency=DisclosureRequirement.Frequency.PER_EVENT)
            .first()
        )
        if requirement is None:
            raise serializers.ValidationError(_("No active requirement per event has this code."))
        return requirement


class ExplainSerializer(serializers.Serializer):
    explanation = serializers.CharField(max_length=2000)


class DisclosureFilter(django_filters.FilterSet):
    organization = django_filters.CharFilter(field_name="organization__code", lookup_expr="iexact")
    requirement = django_filters.CharFilter(field_name="requirement__code")
    aimag = django_filters.CharFilter(field_name="aimag__code")
    sector = django_filters.CharFilter(field_name="sector__code")
    status = django_filters.ChoiceFilter(choices=Disclosure.Status.choices)
    due_from = django_filters.DateFilter(field_name="due_on", lookup_expr="gte")
    due_to = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")

    class Meta:
        model = Disclosure
        fields = ["organization", "requirement", "aimag", "sector", "status", "due_from", "due_to"]


class ComplianceFilter(django_filters.FilterSet):
    organization = django_filters.CharFilter(field_name="organization__code", lookup_expr="iexact")
    aimag = django_filters.CharFilter(field_name="aimag__code")
    sector = django_filters.CharFilter(field_name="sector__code")
    month_from = django_filters.DateFilter(field_name="month", lookup_expr="gte")
    month_to = django_filters.DateFilter(field_name="month", lookup_expr="lte")

    class Meta:
        model = ComplianceSummary
        fields = ["organization", "aimag", "sector", "month_from", "month_to"]


@extend_schema_view(
    list=extend_schema(summary="Disclosure requirements", tags=["disclosure"]),
    retrieve=extend_schema(summary="A disclosure requirement, by code", tags=["disclosure"]),
)
class RequirementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """What bodies must publish, how often and by when."""

    permission_classes = [permissions.AllowAny]
    queryset = DisclosureRequirement.objects.active().prefetch_related("sectors", "admin_units").order_by("code")
    serializer_class = RequirementSerializer
    lookup_field = "code"
    lookup_value_regex = CODE_PATTERN
    filterset_class = None


@extend_schema_view(
    list=extend_schema(summary="Disclosures due and published", tags=["disclosure"]),
    retrieve=extend_schema(summary="A disclosure, by code", tags=["disclosure"]),
)
class DisclosureViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Every item each public body must publish: its period, deadline, status and explanation."""

    permission_classes = [permissions.AllowAny, PublicReadOrSubmit]
    serializer_class = DisclosureSerializer
    filterset_class = DisclosureFilter
    lookup_field = "code"
    lookup_value_regex = CODE_PATTERN

    def get_queryset(self):
        return (
            public_disclosures()
            .select_related("requirement", "organization", "aimag", "sector")
            .order_by("-due_on", "pk")
        )

    def _publisher_item(self, request, code) -> tuple[Disclosure, object]:
        principal = Principal.from_request(request)
        if principal is None:
            raise exceptions.NotAuthenticated()
        disclosure = public_disclosures().select_related("requirement", "organization").filter(code=code).first()
        if disclosure is None:
            raise Http404
        if not can_publish_for(principal.actor, disclosure.organization_id):
            if principal.api_key is not None and principal.api_key.organization_id == disclosure.organization_id:
                raise exceptions.PermissionDenied(READ_ONLY_KEY)
            raise Http404
        return disclosure, principal.actor

    def _done(self, disclosure):
        disclosure = self.get_queryset().get(pk=disclosure.pk)
        return Response(DisclosureSerializer(disclosure, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Publish a disclosure: a document (multipart) or a link to an open dataset (JSON)",
        tags=["disclosure"],
        request={"application/json": PublishSerializer, "multipart/form-data": PublishSerializer},
        responses={200: DisclosureSerializer},
    )
    @action(
        detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser], permission_classes=[KnownCaller]
    )
    def publish(self, request, code=None):
        disclosure, actor = self._publisher_item(request, code)
        serializer = PublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            services.publish(
                disclosure,
                actor=actor,
                document=data.get("document"),
                dataset_code=data.get("dataset_code", ""),
                dataset_period=data.get("dataset_period", ""),
                note=data.get("note", ""),
            )
        except ValidationError as error:
            raise exceptions.ValidationError({"non_field_errors": error.messages}) from None
        return self._done(disclosure)

    @extend_schema(
        summary="Record an event a requirement per event covers (it becomes a disclosure due)",
        tags=["disclosure"],
        request=EventSerializer,
        responses={201: DisclosureSerializer},
    )
    @action(detail=False, methods=["post"], permission_classes=[KnownCaller])
    def events(self, request):
        """As the publisher's page "record an event": a transaction above a requirement's threshold
        becomes an item due ``deadline_days`` after it, for the body named."""
        principal = Principal.from_request(request)
        if principal is None:
            raise exceptions.NotAuthenticated()
        serializer = EventSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        organization = Organization.objects.filter(is_active=True, code__iexact=data["organization"]).first()
        if organization is None or not can_publish_for(principal.actor, organization.pk):
            key = principal.api_key
            if key is not None and organization is not None and key.organization_id == organization.pk:
                raise exceptions.PermissionDenied(READ_ONLY_KEY)
            raise Http404
        try:
            disclosure = services.record_event(
                data["requirement"],
                organization,
                actor=principal.actor,
                event_date=data["event_date"],
                description=data["description"],
                amount=data.get("amount"),
            )
        except ValidationError as error:
            detail = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
            raise exceptions.ValidationError(detail) from None
        disclosure = Disclosure.objects.select_related("requirement", "organization", "aimag", "sector").get(
            pk=disclosure.pk
        )
        data = DisclosureSerializer(disclosure, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Explain a late or missing disclosure (public)",
        tags=["disclosure"],
        request=ExplainSerializer,
        responses={200: DisclosureSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[KnownCaller])
    def explain(self, request, code=None):
        disclosure, actor = self._publisher_item(request, code)
        serializer = ExplainSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.explain(disclosure, actor=actor, text=serializer.validated_data["explanation"])
        except ValidationError as error:
            raise exceptions.ValidationError({"non_field_errors": error.messages}) from None
        return self._done(disclosure)


@extend_schema_view(list=extend_schema(summary="Disclosure compliance per body and month", tags=["disclosure"]))
class ComplianceViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Counts of items on time, late, missing and not yet due, per public body and month of the
    deadline. Add the counts up for any scope; compute percentages from the sums."""

    permission_classes = [permissions.AllowAny]
    serializer_class = ComplianceSerializer
    filterset_class = ComplianceFilter

    def get_queryset(self):
        return (
            ComplianceSummary.objects.filter(
                organization__isnull=False, organization__is_public=True, organization__is_active=True
            )
            .select_related("organization", "aimag", "sector")
            .order_by("organization_id", "month", "pk")
        )
