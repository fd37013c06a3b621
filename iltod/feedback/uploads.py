"""Checking citizens' photos and documents before they are stored.

Only JPEG, PNG, WebP and PDF are accepted, recognised by their content, not their name. Images are
re-encoded without their metadata, so the phone's GPS position and camera details never reach the
server's disk. Files are stored under random names and always downloaded as attachments.
"""

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 3
MAX_PIXELS = 40_000_000
IMAGE_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}


@dataclass
class CleanedFile:
    name: str
    file: ContentFile
    content_type: str
    size: int


def clean_upload(upload) -> CleanedFile:
    if upload.size > MAX_BYTES:
        raise ValidationError(_("“%(name)s” is larger than 5 MB.") % {"name": upload.name})
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        data = upload.read()
        return CleanedFile("document.pdf", ContentFile(data), "application/pdf", len(data))
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(upload) as original:
            fmt = original.format
            if fmt not in IMAGE_FORMATS:
                raise ValidationError(_("Only photos (JPEG, PNG, WebP) and PDF documents can be attached."))
            image = ImageOps.exif_transpose(original)  # keep the orientation, drop the metadata
            if image.mode not in {"RGB", "RGBA", "L"} or (fmt == "JPEG" and image.mode == "RGBA"):
                image = image.convert("RGB")
            buffer = io.BytesIO()
            if fmt == "PNG":
                image.save(buffer, format=fmt)
            else:
                image.save(buffer, format=fmt, quality=85)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
        raise ValidationError(_("Only photos (JPEG, PNG, WebP) and PDF documents can be attached.")) from None
    content_type, ext = IMAGE_FORMATS[fmt]
    data = buffer.getvalue()
    return CleanedFile(f"photo.{ext}", ContentFile(data), content_type, len(data))
