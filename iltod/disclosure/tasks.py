import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import translation

from iltod.feedback.channels import kobo_photos

log = logging.getLogger("iltod.kobo")


@shared_task(bind=True, ignore_result=True, max_retries=kobo_photos.RETRIES)
def fetch_check_photo(self, check_ids: list[int], url: str, name: str):
    """Put the photo of a campaign's KoBoToolbox submission on the checks it became (eager in the
    embedded default, a worker at scale). Network errors and 5xx are retried with a growing delay;
    then, or at once for a final refusal, the photo stays in KoBoToolbox and the log says why.
    Safe to run twice: only checks without a photo are filled."""
    from .models import ValueCheck
    from .services.facility_data import attach_check_photo

    with translation.override(settings.LANGUAGE_CODE):
        if not ValueCheck.objects.filter(pk__in=check_ids, photo="").exists():
            return
        try:
            photo = kobo_photos.fetch(url, name)
        except kobo_photos.PhotoNotFetched as exc:
            if exc.transient and self.request.retries < kobo_photos.RETRIES:
                raise self.retry(countdown=kobo_photos.backoff(self.request.retries)) from None
            log.warning("photo of the checks %s not fetched from %s: %s", check_ids, url, exc.reason)
            return
        attach_check_photo(check_ids, photo)


def schedule_check_photo(check_ids: list[int], url: str, name: str) -> None:
    """Fetch the photo once the checks are committed, after the webhook has answered."""

    def send():
        try:
            fetch_check_photo.delay(check_ids, url, name)
        except Exception:
            log.warning("could not reach the task broker; the photo of the checks %s stays in KoBoToolbox", check_ids)

    transaction.on_commit(send)
