from celery import shared_task
from django.conf import settings
from django.utils import translation

from iltod.feedback.channels import kobo_photos


@shared_task(bind=True, ignore_result=True, max_retries=kobo_photos.RETRIES)
def fetch_check_photo(self, check_ids: list[int], url: str, name: str):
    """Put the photo of a campaign's KoBoToolbox submission on the checks it became (eager in the
    embedded default, a worker at scale). Network errors and 5xx are retried with a growing delay;
    then, or at once for a final refusal, the photo stays in KoBoToolbox and the log says why
    (a check has no timeline). Safe to run twice: only checks without a photo are filled."""
    from .models import ValueCheck
    from .services.facility_data import attach_check_photo

    with translation.override(settings.LANGUAGE_CODE):
        if not ValueCheck.objects.filter(pk__in=check_ids, photo="").exists():
            return
        photo, _why = kobo_photos.fetch_for_task(self, url, name)
        if photo is not None:
            attach_check_photo(check_ids, photo)


def schedule_check_photo(check_ids: list[int], url: str, name: str) -> None:
    """Fetch the photo once the checks are committed, after the webhook has answered."""
    kobo_photos.schedule(fetch_check_photo, check_ids, url, name, what=f"the checks {check_ids}")
