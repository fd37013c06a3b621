from celery import shared_task
from django.conf import settings
from django.utils import translation

from .channels import kobo_photos


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
        photo, why = kobo_photos.fetch_for_task(self, url, name)
        if photo is None:
            services.note_field_photo_not_fetched(feedback_id, why)
            return
        services.attach_field_photo(feedback_id, photo, name=name)


def schedule_kobo_photo(feedback_id: int, url: str, name: str) -> None:
    """Fetch the photo once the item is committed, outside the webhook's work."""
    kobo_photos.schedule(fetch_kobo_photo, feedback_id, url, name, what=f"feedback {feedback_id}")
