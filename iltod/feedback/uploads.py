"""Checking citizens' photos and documents before they are stored.

Only JPEG, PNG, WebP and PDF are accepted, recognised by their content, not their name. Images are
re-encoded without their metadata, so the phone's GPS position and camera details never reach the
server's disk; an image of more than ``MAX_PIXELS`` is refused from its header, before it is
decoded (an 8000×8000 PNG of a few kilobytes would otherwise take hundreds of megabytes). A PDF
must parse as one, and is re-written page by page without its document information (author,
producer…) or XMP metadata, where office programs put the author's name. Files are stored under
random names and always downloaded as attachments. This is the one cleaning function for every
upload (feedback attachments, engagement documents and photos).
"""

import io
import logging
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter

log = logging.getLogger("iltod.uploads")

MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 3
MAX_PIXELS = 40_000_000
PAGE_METADATA_KEYS = ("/Metadata", "/PieceInfo", "/AA")  # XMP, producer's private data, page actions
IMAGE_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}


@dataclass
class CleanedFile:
    name: str
    file: ContentFile
    content_type: str
    size: int


def clean_upload(upload, *, photos_only: bool = False) -> CleanedFile:
    """The upload checked and cleaned; ``photos_only`` refuses PDF documents too (field photos)."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("“%(name)s” is larger than 5 MB.") % {"name": upload.name})
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        if photos_only:
            raise ValidationError(_("Only photos (JPEG, PNG, WebP) can be attached."))
        data = clean_pdf(upload.read(), upload.name)
        return CleanedFile("document.pdf", ContentFile(data), "application/pdf", len(data))
    refused = (
        _("Only photos (JPEG, PNG, WebP) can be attached.")
        if photos_only
        else _("Only photos (JPEG, PNG, WebP) and PDF documents can be attached.")
    )
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():  # over MAX_PIXELS Pillow warns; the size is checked below
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            original = Image.open(upload)  # lazy: reads the header only
        with original:
            fmt = original.format
            if fmt not in IMAGE_FORMATS:
                raise ValidationError(refused)
            width, height = original.size
            if width * height > MAX_PIXELS:  # refused before anything decodes the pixels
                raise ValidationError(
                    _("“%(name)s” has too many pixels (at most %(megapixels)s million).")
                    % {"name": upload.name, "megapixels": MAX_PIXELS // 1_000_000}
                )
            image = ImageOps.exif_transpose(original)  # keep the orientation, drop the metadata
            if image.mode not in {"RGB", "RGBA", "L"} or (fmt == "JPEG" and image.mode == "RGBA"):
                image = image.convert("RGB")
            buffer = io.BytesIO()
            if fmt == "PNG":
                image.save(buffer, format=fmt)
            else:
                image.save(buffer, format=fmt, quality=85)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
        raise ValidationError(refused) from None
    content_type, ext = IMAGE_FORMATS[fmt]
    data = buffer.getvalue()
    return CleanedFile(f"photo.{ext}", ContentFile(data), content_type, len(data))


def clean_pdf(data: bytes, name: str) -> bytes:
    """The PDF re-written page by page, without the document information dictionary (author,
    creator, producer, dates), the document's or the pages' XMP metadata, outlines, scripts and
    automatic actions. Raises ValidationError when it does not parse as a PDF with pages."""
    refused = ValidationError(_("“%(name)s” is not a readable PDF document.") % {"name": name})
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise refused
        writer = PdfWriter()
        for page in reader.pages:
            for key in PAGE_METADATA_KEYS:  # before the copy, which would take what they point to
                page.pop(key, None)
            writer.add_page(page)
        if not len(writer.pages):
            raise refused
        writer.metadata = None  # no /Info dictionary at all, not even pypdf's /Producer
        buffer = io.BytesIO()
        writer.write(buffer)
    except ValidationError:
        raise
    except Exception as exc:  # a hostile file may break the parser in any way
        log.info("an uploaded PDF does not parse: %r", exc)
        raise refused from None
    return buffer.getvalue()
