"""The media storage: files on disk, whose URLs lead through the access-checked views."""

from django.core.files.storage import FileSystemStorage

from . import files


class GuardedFileSystemStorage(FileSystemStorage):
    """``FieldFile.url`` of a protected folder is its app's guarded view (``files.ROUTES``), so a
    template's ``{{ x.photo.url }}``, the API and the back office link there, never to /media/."""

    def url(self, name):
        return files.route_for(name) or super().url(name)
