"""Results' uploaded files behind their guard in ``permissions.py``: the evidence of manual actuals."""

from django.http import Http404

from iltod.core.files import find, send_file

from . import permissions
from .models import ManualActual


def file(request, name):
    if not name.startswith("results/evidence/"):
        raise Http404
    entry = find(ManualActual.objects.all(), "evidence_file", name)
    if not permissions.can_read_evidence(request.user, entry):
        raise Http404
    return send_file(entry.evidence_file, public=False)
