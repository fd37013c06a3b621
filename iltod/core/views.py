import posixpath

from django.conf import settings
from django.db import connection
from django.http import Http404, JsonResponse
from django.views.static import serve

from .files import PROTECTED_FOLDERS

# Files under these folders of MEDIA_ROOT go only through access-checked views (feedback
# attachments, engagement documents, and every module's uploads: iltod/core/files.py), never
# through the development media route.
PROTECTED_MEDIA = PROTECTED_FOLDERS


def health(request):
    """Liveness and database readiness for load balancers: 200 when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
    except Exception:  # any database error means "not ready"
        return JsonResponse({"status": "database unavailable"}, status=503, headers={"Retry-After": "5"})


def public_media_path(path: str) -> str | None:
    """The normalised path of a file the development media route may serve, or None.

    ``//feedback/x.pdf``, ``./feedback/x.pdf`` (``%2e`` in the URL), ``a/../feedback/x.pdf`` and
    ``Feedback/x.pdf`` (case-insensitive disks) all lead into a protected folder: refused.
    """
    if "\\" in path or "\0" in path:
        return None
    normalised = posixpath.normpath("/" + path).lstrip("/")
    first = normalised.split("/", 1)[0].lower()
    if not normalised or normalised == "." or first in PROTECTED_MEDIA or first == "..":
        return None
    return normalised


def media(request, path):
    """Development only: MEDIA_ROOT's public files (in production the web server serves them)."""
    normalised = public_media_path(path)
    if normalised is None:
        raise Http404
    return serve(request, normalised, document_root=settings.MEDIA_ROOT)
