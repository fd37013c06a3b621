"""REST API of facility data: the indicator catalogue and the published values (public, with
filters and pages), and publishing a facility's values for a period (a publisher's session, or an
organisation's read and write API key acting as its organisation). JSON bodies go through the
API's parser (``iltod.lib.jsonbody``); the serializer validates, the service decides."""

import django_filters
from django import forms
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from iltod.disclosure.models.facility_data import (
    FacilityIndicator,
    FacilityValue,
    FacilityValueChange,
    ValueCheck,
    ValueStatus,
    parse_period,
)
from iltod.disclosure.permissions import can_publish_values
from iltod.disclosure.services import facility_data as services
from iltod.places.models import ServiceUnit

from .access import Principal
from .fields import CODE_PATTERN
from .permissions import READ_ONLY_KEY, KnownCaller, PublicReadOrSubmit


class FacilityIndicatorSerializer(serializers.ModelSerializer):
    numerator = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    denominator = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = FacilityIndicator
        fields = [
            "code",
            "name_mn",
            "name_en",
            "unit_mn",
            "unit_en",
            "kinds",
            "value_type",
            "numerator",
            "denominator",
            "factor",
            "maximum",
            "tolerance_percent",
        ]


class FacilityValueSerializer(serializers.ModelSerializer):
    facility = serializers.SlugRelatedField(slug_field="code", read_only=True)
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    publisher = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = FacilityValue
        fields = [
            "code",
            "facility",
            "indicator",
            "period",
            "value",
            "status",
            "confirmations",
            "open_disputes",
            "publisher",
            "published_at",
            "updated_at",
        ]


class ValuesPublishSerializer(serializers.Serializer):
    facility = serializers.RegexField(CODE_PATTERN, max_length=12, help_text="The facility's public code.")
    period = serializers.CharField(max_length=7, help_text="A year (2025) or a quarter (2025-Q3).")
    values = serializers.DictField(
        child=serializers.CharField(max_length=30, allow_blank=True),
        allow_empty=False,
        help_text="Indicator code → value (yes/no as 1 or 0). Ratios are computed.",
    )


class PublishResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class ValueChangeSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = FacilityValueChange
        # Not the person who changed it: the organisation answers for its figures.
        fields = ["old_value", "new_value", "source", "organization", "changed_at"]


class ValueCheckSerializer(serializers.ModelSerializer):
    feedback = serializers.SlugRelatedField(slug_field="tracking_code", read_only=True, allow_null=True)

    class Meta:
        model = ValueCheck
        # Never who checked (a citizen's identity), as on the value's page.
        fields = ["code", "verdict", "observed_value", "comment", "outcome", "feedback", "created_at"]


class CorrectionSerializer(serializers.Serializer):
    value = serializers.CharField(max_length=30, help_text="The corrected value (yes/no as 1 or 0).")


class PeriodField(forms.CharField):
    """A year or a quarter; anything else is refused with the publishers' translated message."""

    def clean(self, value):
        value = (super().clean(value) or "").strip().upper()
        if value and parse_period(value) is None:
            try:
                services.clean_period(value)
            except services.FacilityDataError as exc:
                raise forms.ValidationError(exc.messages) from None
        return value


class PeriodFilter(django_filters.CharFilter):
    field_class = PeriodField


class FacilityValueFilter(django_filters.FilterSet):
    facility = django_filters.CharFilter(field_name="facility__code", lookup_expr="iexact")
    indicator = django_filters.CharFilter(field_name="indicator__code")
    period = PeriodFilter(field_name="period", help_text="A year (2025) or a quarter (2025-Q3).")
    status = django_filters.ChoiceFilter(choices=ValueStatus.choices)

    class Meta:
        model = FacilityValue
        fields = ["facility", "indicator", "period", "status"]


@extend_schema_view(list=extend_schema(summary="Facility indicators", tags=["facility data"]))
class FacilityIndicatorViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The catalogue of what schools, kindergartens and health facilities publish."""

    permission_classes = [permissions.AllowAny]
    queryset = (
        FacilityIndicator.objects.filter(is_active=True)
        .select_related("numerator", "denominator")
        .order_by("order", "code")
    )
    serializer_class = FacilityIndicatorSerializer
    filterset_class = None


@extend_schema_view(
    list=extend_schema(summary="Published facility values", tags=["facility data"]),
    retrieve=extend_schema(summary="A facility value, by code", tags=["facility data"]),
)
class FacilityValueViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Values published per facility and period, with their status after citizens' checks."""

    permission_classes = [permissions.AllowAny, PublicReadOrSubmit]
    serializer_class = FacilityValueSerializer
    filterset_class = FacilityValueFilter
    lookup_field = "code"
    lookup_value_regex = CODE_PATTERN

    def get_queryset(self):
        return (
            FacilityValue.objects.filter(facility__is_active=True)
            .select_related("facility", "indicator", "publisher")
            .order_by("facility__code", "indicator__order", "period", "pk")
        )

    @extend_schema(
        summary="Publish a facility's values for a period",
        tags=["facility data"],
        request=ValuesPublishSerializer,
        responses={200: PublishResultSerializer},
    )
    @action(detail=False, methods=["post"], permission_classes=[KnownCaller])
    def publish(self, request):
        principal = Principal.from_request(request)
        if principal is None:
            raise exceptions.NotAuthenticated()
        serializer = ValuesPublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        facility = ServiceUnit.objects.select_related("sector").filter(code=data["facility"].upper()).first()
        actor = principal.actor
        if facility is None or not can_publish_values(actor, facility):
            if principal.api_key is not None and not principal.can_write and facility is not None:
                raise exceptions.PermissionDenied(READ_ONLY_KEY)
            raise Http404
        try:
            created, updated, unchanged = services.publish_values(
                facility,
                data["period"],
                dict(data["values"]),
                actor=actor,
                source=services.Source.API,
                request=request,
            )
        except services.FacilityDataError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
            return Response(detail, status=status.HTTP_400_BAD_REQUEST)
        return Response({"created": created, "updated": updated, "unchanged": unchanged})

    @extend_schema(
        summary="Correct a disputed value",
        tags=["facility data"],
        request=CorrectionSerializer,
        responses={200: FacilityValueSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[KnownCaller])
    def correct(self, request, code=None):
        """The publisher's answer to a dispute, as on the value's page: the value changes (kept in
        its history) and every open dispute is marked corrected."""
        principal = Principal.from_request(request)
        if principal is None:
            raise exceptions.NotAuthenticated()
        value = self.get_object()
        actor = principal.actor
        if not can_publish_values(actor, value.facility):
            if principal.api_key is not None and not principal.can_write:
                raise exceptions.PermissionDenied(READ_ONLY_KEY)
            raise Http404
        serializer = CorrectionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.correct_value(value, serializer.validated_data["value"], actor=actor, request=request)
        except services.FacilityDataError as exc:
            raise exceptions.ValidationError({"value": exc.messages}) from None
        return Response(FacilityValueSerializer(self.get_queryset().get(pk=value.pk)).data)

    @extend_schema(
        summary="A value's history of changes",
        tags=["facility data"],
        filters=False,
        responses={200: ValueChangeSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], filterset_class=None)
    def history(self, request, code=None):
        value = self.get_object()
        changes = value.changes.select_related("organization").order_by("-changed_at", "-id")
        page = self.paginate_queryset(changes)
        return self.get_paginated_response(ValueChangeSerializer(page, many=True).data)

    @extend_schema(
        summary="A value's published checks by citizens",
        tags=["facility data"],
        filters=False,
        responses={200: ValueCheckSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], filterset_class=None)
    def checks(self, request, code=None):
        value = self.get_object()
        checks = (
            value.checks.filter(moderation=ValueCheck.Moderation.PUBLISHED)
            .select_related("feedback")
            .order_by("-created_at", "-id")
        )
        page = self.paginate_queryset(checks)
        return self.get_paginated_response(ValueCheckSerializer(page, many=True).data)
