from celery import shared_task


@shared_task(ignore_result=True)
def run_import_job(job_id: int):
    """Import an uploaded file (eager in the embedded default, a worker at scale). Safe to run
    twice: only a queued job is claimed."""
    from .models import ImportJob
    from .services import run_import

    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING
    )
    if claimed:
        run_import(ImportJob.objects.get(pk=job_id))


@shared_task(ignore_result=True)
def recompute_flags_job(settings_id: int):
    """Recompute the red flags after a change to the active settings. Safe to run twice: a change
    already recomputed is not computed again."""
    from .services import run_queued_recompute

    run_queued_recompute(settings_id)
