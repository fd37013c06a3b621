"""Learning's uploaded files behind their guard in ``permissions.py``: library documents (a draft's
only for those who may edit it)."""

from django.http import Http404

from iltod.core.files import find, send_file

from . import permissions
from .models import LibraryItem


def file(request, name):
    if not name.startswith("learning/library/"):
        raise Http404
    item = find(LibraryItem.objects.all(), "file", name)
    if not permissions.can_read_library_file(request.user, item):
        raise Http404
    return send_file(item.file, public=permissions.library_file_is_public(item))
