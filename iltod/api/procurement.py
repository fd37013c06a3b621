"""Procurement in the API: a publisher posts OCDS with its organisation's key; anyone reads the
contracting processes and their red flags."""

import json

from django.core.files.base import ContentFile
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from iltod.procurement import services
from iltod.procurement.models import ContractingProcess, Flag, ImportJob, SkippedCheck
from iltod.procurement.permissions import can_publish_ocds, foreign_ocids

from .access import acting_key
from .errors import error_body


class PublishesOcds(permissions.BasePermission):
    """An organisation's read and write API key; people use the back office."""

    message = _("Only an organisation's read and write API key can publish OCDS.")

    def has_permission(self, request, view) -> bool:
        key = acting_key(request)
        return key is not None and key.can_write and can_publish_ocds(key.organization)


class KeyOrPerson(permissions.IsAuthenticated):
    """An API key (acting for its organisation) or a signed-in person."""

    def has_permission(self, request, view) -> bool:
        return acting_key(request) is not None or super().has_permission(request, view)


class ImportJobSerializer(serializers.Serializer):
    """An OCDS import: queued, running, then imported (``accepted``) or refused with its report."""

    job = serializers.CharField()
    url = serializers.CharField()
    status = serializers.ChoiceField(choices=ImportJob.Status.choices)
    percent = serializers.IntegerField()
    accepted = serializers.BooleanField(allow_null=True)
    releases_read = serializers.IntegerField()
    releases_new = serializers.IntegerField()
    releases_seen = serializers.IntegerField()
    processes = serializers.IntegerField()
    error_count = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.DictField())


def job_body(request, job: ImportJob) -> dict:
    progress = services.job_progress(job)
    report = job.report or {}
    finished = job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED)
    return {
        "job": job.code,
        "url": request.build_absolute_uri(reverse("api:procurement-ocds-job", args=[job.code])),
        "status": job.status,
        "percent": progress["percent"],
        "accepted": job.status == ImportJob.Status.DONE if finished else None,
        "releases_read": report.get("releases_read", progress.get("releases", 0)),
        "releases_new": report.get("releases_new", 0),
        "releases_seen": report.get("releases_seen", 0),
        "processes": report.get("processes", 0),
        "error_count": report.get("error_count", 0),
        "errors": report.get("errors", []),
    }


def _refused(message, code="invalid", http=status.HTTP_400_BAD_REQUEST, errors=None):
    errors = errors or [{"ocid": "", "release": "", "path": "", "message": message}]
    body = {**error_body(code, message), "accepted": False, "error_count": len(errors), "errors": errors}
    return Response(body, status=http)


class OcdsImportView(APIView):
    permission_classes = [PublishesOcds]

    @extend_schema(
        summary="Publish OCDS: a release package, a record package or one release",
        description=(
            "The body's shape is checked at once (a JSON object holding `releases`, `records` or one "
            "release's `ocid`; processes bought by another organisation are refused); the import itself "
            "runs in the background: the answer is 202 with the job's `url`, which reports its progress "
            "and, once finished, whether it was accepted, with the OCDS report."
        ),
        tags=["procurement"],
        request={"application/json": dict},
        # 400 and 403 carry the API's error body (as every endpoint), with the OCDS report beside it
        responses={202: ImportJobSerializer},
    )
    def post(self, request):
        data = request.data  # read by iltod.api.parsers.JSONParser (read_json: size and depth limits)
        if not isinstance(data, dict):
            return _refused(str(_("Send a JSON object.")))
        if "releases" not in data and "records" not in data and "ocid" in data:
            data = {"version": "1.1", "releases": [data]}
        if not isinstance(data.get("releases"), list) and not isinstance(data.get("records"), list):
            return _refused(str(_("Send a release package, a record package or one release.")))
        key = acting_key(request)
        refused = foreign_ocids(key.organization, data)
        if refused:
            message = str(_("This process is bought by another organisation: only it publishes its data."))
            errors = [{"ocid": ocid, "release": "", "path": "buyer", "message": message} for ocid in refused]
            return _refused(message, "permission_denied", status.HTTP_403_FORBIDDEN, errors)
        # The standard library writes what the reader accepted (numbers beyond 64 bits, lone surrogates
        # escaped); the import job then refuses what OCDS does not allow, with a report in its status.
        upload = ContentFile(json.dumps(data).encode(), name="api.json")
        job = services.create_import(upload, organization=key.organization, request=request)
        return Response(job_body(request, job), status=status.HTTP_202_ACCEPTED)


class OcdsImportJobView(APIView):
    """An OCDS import's status, for the organisation whose key posted it or the person who uploaded
    it; any other caller gets a 404, as for a job that does not exist."""

    permission_classes = [KeyOrPerson]

    @extend_schema(summary="An OCDS import's progress and report", tags=["procurement"], responses=ImportJobSerializer)
    def get(self, request, code):
        key = acting_key(request)
        jobs = ImportJob.objects.filter(code=code)
        if key is not None:
            jobs = jobs.filter(organization=key.organization)
        else:
            jobs = jobs.filter(created_by=request.user)
        job = get_object_or_404(jobs)
        return Response(job_body(request, job))


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
