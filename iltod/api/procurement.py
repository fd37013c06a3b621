"""Procurement in the API: a publisher posts OCDS with its organisation's key; anyone reads the
contracting processes and their red flags."""

import json

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from iltod.procurement import services
from iltod.procurement.models import ContractingProcess, Flag, SkippedCheck
from iltod.procurement.permissions import can_publish_ocds, foreign_ocids

from .access import acting_key
from .errors import error_body


class PublishesOcds(permissions.BasePermission):
    """An organisation's read and write API key; people use the back office."""

    message = _("Only an organisation's read and write API key can publish OCDS.")

    def has_permission(self, request, view) -> bool:
        key = acting_key(request)
        return key is not None and key.can_write and can_publish_ocds(key.organization)


class ImportReportSerializer(serializers.Serializer):
    accepted = serializers.BooleanField()
    releases_read = serializers.IntegerField()
    releases_new = serializers.IntegerField()
    releases_seen = serializers.IntegerField()
    processes = serializers.IntegerField()
    error_count = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.DictField())


class OcdsImportView(APIView):
    permission_classes = [PublishesOcds]

    @extend_schema(
        summary="Publish OCDS: a release package, a record package or one release",
        tags=["procurement"],
        request={"application/json": dict},
        # 400 and 403 carry the API's error body (as every endpoint), with the OCDS report beside it
        responses={201: ImportReportSerializer},
    )
    def post(self, request):
        data = request.data  # read by iltod.api.parsers.JSONParser (read_json: size and depth limits)
        if not isinstance(data, dict):
            message = str(_("Send a JSON object."))
            report = {"errors": [{"ocid": "", "release": "", "path": "", "message": message}]}
            body = {**error_body("invalid", message), "accepted": False, "error_count": 1, **report}
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        if "releases" not in data and "records" not in data and "ocid" in data:
            data = {"version": "1.1", "releases": [data]}
        key = acting_key(request)
        refused = foreign_ocids(key.organization, data)
        if refused:
            message = str(_("This process is bought by another organisation: only it publishes its data."))
            errors = [{"ocid": ocid, "release": "", "path": "buyer", "message": message} for ocid in refused]
            body = {**error_body("permission_denied", message), "accepted": False, "error_count": len(errors)}
            return Response({**body, "errors": errors}, status=status.HTTP_403_FORBIDDEN)
        # The standard library writes what the reader accepted (numbers beyond 64 bits, lone surrogates
        # escaped); the import then refuses what OCDS does not allow, with a report.
        body_bytes = json.dumps(data).encode()
        _job, report = services.import_bytes(body_bytes, name="api.json", organization=key.organization)
        body = {"accepted": report.ok, **{k: v for k, v in report.as_dict().items() if k != "coverage"}}
        if not report.ok:
            message = str(_("The file was refused; nothing was saved. See “errors”."))
            return Response({**error_body("invalid", message), **body}, status=status.HTTP_400_BAD_REQUEST)
        return Response(body, status=status.HTTP_201_CREATED)


class SkippedCheckSerializer(serializers.ModelSerializer):
    """Red flags that could not check the process, and why (Cardinal leaves such processes out silently)."""

    reason_label = serializers.CharField(source="get_reason_display")
    codes = serializers.ListField(child=serializers.CharField())
    indicators = serializers.SerializerMethodField()

    class Meta:
        model = SkippedCheck
        fields = ["reason", "reason_label", "codes", "indicators"]

    def get_indicators(self, obj) -> list[str]:
        from iltod.procurement.views.public import indicator_title

        return [indicator_title(code) for code in obj.codes]


class ProcessSerializer(serializers.ModelSerializer):
    buyer = serializers.CharField(source="buyer.name", default="")
    flags = serializers.SerializerMethodField()
    skipped_checks = SkippedCheckSerializer(many=True, read_only=True)

    class Meta:
        model = ContractingProcess
        fields = [
            "ocid",
            "code",
            "title",
            "buyer",
            "method",
            "method_details",
            "status",
            "tender_value",
            "currency",
            "awarded_amount",
            "number_of_tenderers",
            "year",
            "flags",
            "skipped_checks",
        ]

    def get_flags(self, obj) -> dict:
        return {f.code: f.value for f in obj.flags.all() if f.scope == Flag.Scope.PROCESS}


@extend_schema(tags=["procurement"])
class ProcessViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.AllowAny]
    serializer_class = ProcessSerializer
    lookup_field = "code"
    queryset = (
        ContractingProcess.objects.select_related("buyer")
        .prefetch_related("flags", "skipped_checks")
        .order_by("-date", "ocid")
    )
    filterset_fields = ["method", "status", "year"]

    def get_object(self):
        return get_object_or_404(self.get_queryset(), code=self.kwargs["code"])
