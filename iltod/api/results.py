"""REST API of the results framework and the ranking (read only, public): the public frameworks
with their goal, outcomes and outputs, each indicator with its baseline and its target and actual
per period (with the counts a computed actual comes from), and the responsiveness ranking per
period and kind of body. Hidden frameworks are read through ``iltod.results.permissions``, the
same guard as the pages."""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets

from iltod.core.replicas import reads_from_replica
from iltod.results.models import Framework, Indicator, Period, RankingEntry, Result, Target
from iltod.results.permissions import visible_frameworks


class PeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = Period
        fields = ["id", "start", "end"]


class ResultSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Result
        fields = ["code", "level", "parent", "title_mn", "title_en", "weight"]


class FrameworkSerializer(serializers.ModelSerializer):
    periods = PeriodSerializer(many=True, read_only=True)
    results = ResultSerializer(many=True, read_only=True)

    class Meta:
        model = Framework
        fields = ["code", "title_mn", "title_en", "iati_identifier", "version", "updated_at", "periods", "results"]


class TargetSerializer(serializers.ModelSerializer):
    period = PeriodSerializer(read_only=True)

    class Meta:
        model = Target
        fields = ["period", "target", "target_comment", "actual", "numerator", "denominator", "narrative", "source"]


class IndicatorSerializer(serializers.ModelSerializer):
    framework = serializers.CharField(source="result.framework.code", read_only=True)
    result = serializers.CharField(source="result.code", read_only=True)
    targets = TargetSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id", "framework", "result", "code", "title_mn", "title_en", "measure", "ascending", "baseline",
            "baseline_year", "metric", "reference_vocabulary", "reference_code", "disaggregations", "weight",
            "targets",
        ]  # fmt: skip


class RankingSerializer(serializers.ModelSerializer):
    period = PeriodSerializer(read_only=True)

    class Meta:
        model = RankingEntry
        fields = [
            "period", "body_kind", "body_code", "name", "name_en", "aimag", "sector", "items", "score", "raw_score",
            "rank", "components",
        ]  # fmt: skip


def _frameworks(request):
    return visible_frameworks(request.user)


class ReplicaReads:
    """Lists served from a read replica when one answers (``iltod.core.replicas``). (No ``retrieve``
    here: the router would give every viewset using this a detail route.)"""

    @reads_from_replica
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


@extend_schema_view(list=extend_schema(summary="Results frameworks"), retrieve=extend_schema(summary="A framework"))
class FrameworkViewSet(ReplicaReads, viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.AllowAny]
    serializer_class = FrameworkSerializer
    lookup_field = "code"

    def get_queryset(self):
        return _frameworks(self.request).prefetch_related("periods", "results__parent").order_by("code")

    @reads_from_replica
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


class IndicatorFilter(django_filters.FilterSet):
    framework = django_filters.CharFilter(field_name="result__framework__code", max_length=40)

    class Meta:
        model = Indicator
        fields = ["framework"]


@extend_schema_view(
    list=extend_schema(summary="Indicators with their targets and actuals"),
)
class IndicatorViewSet(ReplicaReads, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Lists only: an indicator is addressed by its framework and number, filtered, never by a key."""

    permission_classes = [permissions.AllowAny]
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter

    def get_queryset(self):
        return (
            Indicator.objects.filter(result__framework__in=_frameworks(self.request))
            .select_related("result__framework")
            .prefetch_related("targets__period")
            .order_by("result__framework__code", "result__order", "result__code", "order", "code")
        )


class RankingFilter(django_filters.FilterSet):
    period = django_filters.NumberFilter(field_name="period_id", min_value=1, max_value=2**31 - 1)
    kind = django_filters.ChoiceFilter(field_name="body_kind", choices=RankingEntry.BodyKind.choices)
    aimag = django_filters.CharFilter(max_length=16)
    sector = django_filters.CharFilter(max_length=32)
    body = django_filters.CharFilter(field_name="body_code", max_length=12)

    class Meta:
        model = RankingEntry
        fields = ["period", "kind", "aimag", "sector", "body"]


@extend_schema_view(list=extend_schema(summary="The responsiveness ranking"))
class RankingViewSet(ReplicaReads, mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.AllowAny]
    serializer_class = RankingSerializer
    filterset_class = RankingFilter

    def get_queryset(self):
        return (
            RankingEntry.objects.filter(period__framework__is_public=True)
            .select_related("period")
            .order_by("-period__start", "body_kind", "rank", "name", "pk")
        )
