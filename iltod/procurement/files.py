"""Procurement's uploaded files, each behind its guard in ``permissions.py``: an OCDS import's file
(its uploader and publisher) and a case step's evidence (public once the step is published)."""

from django.http import Http404

from iltod.core.files import find, send_file

from . import permissions
from .models import CaseEvidence, CaseStep, ImportJob


def file(request, name):
    if name.startswith("procurement/imports/"):
        job = find(ImportJob.objects.all(), "file", name)
        if not permissions.can_read_import(request.user, job):
            raise Http404
        return send_file(job.file, public=False, filename=job.filename, content_type="application/octet-stream")
    if name.startswith("procurement/evidence/"):
        item = find(CaseEvidence.objects.select_related("step__case__organization"), "file", name)
        if not permissions.can_read_evidence(request.user, item):
            raise Http404
        published = item.step.moderation == CaseStep.Moderation.PUBLISHED
        return send_file(item.file, public=published, content_type=item.content_type)
    raise Http404
