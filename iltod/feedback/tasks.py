import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import translation

from .channels import kobo_photos

log = logging.getLogger("iltod.kobo")


@shared_task(bind=True, ignore_result=True, max_retries=kobo_photos.RETRIES)
def fetch_kobo_photo(self, feedback_id: int, url: str, name: str):
    """Attach the photo of a KoBoToolbox submission to the feedback item it became (eager in the
    embedded default, a worker at scale). Network errors and 5xx are retried with a growing delay;
    then, or at once for a final refusal, the timeline says why. Safe to run twice."""
    from . import services
    from .models import Attachment

    with translation.override(settings.LANGUAGE_CODE):  # notes are read by staff
        if Attachment.objects.filter(feedback_id=feedback_id, original_name=name[:255]).exists():
            return
        try:
            photo = kobo_photos.fetch(url, name)
        except kobo_photos.PhotoNotFetched as exc:
            if exc.transient and self.request.retries < kobo_photos.RETRIES:
                raise self.retry(countdown=kobo_photos.backoff(self.request.retries)) from None
            log.warning("photo of feedback %s not fetched from %s: %s", feedback_id, url, exc.reason)
            services.note_field_photo_not_fetched(feedback_id, exc.reason)
            return
        services.attach_field_photo(feedback_id, photo, name=name)


def schedule_kobo_photo(feedback_id: int, url: str, name: str) -> None:
    """Fetch the photo once the item is committed, outside the webhook's work (a broker that is
    down leaves the photo in KoBoToolbox, as the intake note says)."""

    def send():
        try:
            fetch_kobo_photo.delay(feedback_id, url, name)
        except Exception:
            log.warning("could not reach the task broker; the photo of feedback %s stays in KoBoToolbox", feedback_id)

    transaction.on_commit(send)
