from celery import shared_task

from .services import deliver_due


@shared_task(ignore_result=True)
def deliver_outbox(batch: int = 100):
    return deliver_due(batch=batch)
