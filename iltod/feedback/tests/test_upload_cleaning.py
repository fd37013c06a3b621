"""Uploads are cleaned before they are stored: a PDF must parse as one and loses its author,
producer and XMP metadata; an image with too many pixels is refused from its header, undecoded."""

import io
import tracemalloc

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image, ImageFile
from pypdf import PdfReader

from iltod.core.testing.files import huge_png, pdf_bytes
from iltod.feedback.models import Attachment, Feedback
from iltod.feedback.uploads import MAX_PIXELS, clean_upload

from .test_public_views import form_data

AUTHOR = "Батбаяр Дорж 99112233"


def upload(name, data, content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type)


def test_a_pdf_is_stored_without_its_author_producer_or_xmp_metadata(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    original = pdf_bytes(author=AUTHOR, pages=2)
    assert PdfReader(io.BytesIO(original)).metadata.author == AUTHOR  # the test file does carry it
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        reverse("feedback:submit"), {**form_data(world), "files": [upload("letter.pdf", original)]}
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    stored = attachment.file.read()
    assert attachment.size == len(stored)
    reader = PdfReader(io.BytesIO(stored))
    assert len(reader.pages) == 2
    assert reader.metadata is None
    assert reader.xmp_metadata is None
    assert "/Metadata" not in reader.pages[0]
    for secret in (AUTHOR.encode(), "Дорж".encode("utf-16-be"), b"99112233", b"Microsoft Word", b"Office PDF"):
        assert secret not in stored


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n% a letter\n%%EOF\n",  # the magic bytes, nothing behind them
        b"%PDF-1.7\n" + b"\x00garbage" * 100,
        pdf_bytes()[:200],  # cut short
    ],
)
def test_a_file_that_only_starts_like_a_pdf_is_refused_with_a_clear_error(world, settings, tmp_path, data):
    settings.MEDIA_ROOT = tmp_path
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        reverse("feedback:submit"), {**form_data(world), "files": [upload("letter.pdf", data)]}
    )
    assert response.status_code == 200
    assert "“letter.pdf” is not a readable PDF document." in response.content.decode()
    assert not Feedback.objects.exists() and not Attachment.objects.exists()


def test_an_image_with_too_many_pixels_is_refused_before_it_is_decoded(monkeypatch):
    data = huge_png(8000, 8000)  # 62 kB on disk, 64 million pixels
    assert len(data) < 100_000 and 8000 * 8000 > MAX_PIXELS

    def no_decoding(image):
        raise AssertionError("the pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    tracemalloc.start()
    try:
        with translation.override("en"), pytest.raises(ValidationError) as refused:
            clean_upload(upload("big.png", data, "image/png"))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "“big.png” has too many pixels (at most 40 million)." in refused.value.messages
    assert peak < 5_000_000


def test_an_image_within_the_pixel_limit_is_still_accepted():
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), "blue").save(buffer, format="PNG")
    cleaned = clean_upload(upload("ok.png", buffer.getvalue(), "image/png"))
    assert cleaned.content_type == "image/png"
