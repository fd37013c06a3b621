"""Uploaded files leave the platform only through access-checked views.

Every folder of MEDIA_ROOT that holds uploads is listed in ``PROTECTED_FOLDERS``: the development
media route refuses it and the web server must not serve it (docs/deployment.md). A file of one of
the folders in ``ROUTES`` gets its URL from the storage (``iltod.core.storage``): the owning app's
``file`` view, which finds the row holding the file and asks the app's guard (its
``permissions.py``) before sending it. So a page's link, the API and the back office's "currently"
link all lead through the same guard. Feedback attachments and engagement documents have their own
views, reached by the record's code.

The view names are strings: core imports no higher layer, it only names their routes.
"""

import mimetypes
import posixpath
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header

# Folder prefix (as ``upload_to`` writes it) → the access-checked view that serves its files.
ROUTES = {
    "procurement/": "procurement:file",  # OCDS imports, monitoring evidence
    "results/": "results:file",  # evidence of manual actuals
    "disclosure/": "disclosure:file",  # disclosure documents, citizens' checks of facility values
    "ldf/": "disclosure:file",  # Local Development Fund milestones and citizens' reports
    "learning/": "learning:file",  # library documents (drafts too)
}

# First folders of MEDIA_ROOT that no static route may serve.
PROTECTED_FOLDERS = ("feedback", "engagement", *sorted({prefix.split("/", 1)[0] for prefix in ROUTES}))

# Images a browser may show in an <img>; anything else is a download in a sandbox.
INLINE_IMAGES = {"image/jpeg", "image/png", "image/webp", "image/gif"}


def normalised_name(name: str) -> str | None:
    """A storage name as it is stored (``a/b.pdf``), or None for anything that leaves its folder."""
    if not name or "\\" in name or "\0" in name:
        return None
    normalised = posixpath.normpath("/" + name).lstrip("/")
    if normalised != name or normalised.startswith(".."):
        return None
    return normalised


def route_for(name: str) -> str | None:
    """The URL of the view that serves the stored file ``name``, or None when no guarded view does."""
    for prefix, view in ROUTES.items():
        if name.startswith(prefix):
            return reverse(view, kwargs={"name": name})
    return None


def find(queryset, field: str, name: str):
    """The row of ``queryset`` whose ``field`` holds the file ``name``; 404 when none does."""
    normalised = normalised_name(name)
    row = queryset.filter(**{field: normalised}).first() if normalised else None
    if row is None:
        raise Http404
    return row


def send_file(fieldfile, *, public: bool, filename: str = "", content_type: str = "", download: bool = False):
    """The file's response, once the caller's guard allowed it.

    Never rendered in the application's origin: a download (photos may show in an ``<img>``),
    ``nosniff`` and a sandbox; ``download`` makes photos downloads too. Files that are not public
    are not kept by shared caches. With
    ``MEDIA_ACCEL_REDIRECT`` set, the web server sends the bytes from its internal location
    (nginx ``X-Accel-Redirect``) and Django only decides.
    """
    if not fieldfile:
        raise Http404
    filename = filename or posixpath.basename(fieldfile.name)
    content_type = content_type or mimetypes.guess_type(fieldfile.name)[0] or "application/octet-stream"
    inline = content_type in INLINE_IMAGES and not download
    accel = getattr(settings, "MEDIA_ACCEL_REDIRECT", "")
    if accel:
        response = HttpResponse(content_type=content_type)
        # a URI: names keep their uploader's letters (Cyrillic), which a header cannot carry raw
        response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + quote(fieldfile.name)
        response["Content-Disposition"] = content_disposition_header(not inline, filename)
    else:
        try:
            handle = fieldfile.open("rb")
        except FileNotFoundError:
            raise Http404 from None  # the row outlived its file
        response = FileResponse(handle, as_attachment=not inline, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "public, max-age=600" if public else "private, no-store"
    return response
