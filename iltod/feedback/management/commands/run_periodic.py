from django.core.management.base import BaseCommand

from iltod.feedback.services import close_expired, escalate_overdue
from iltod.notifications.services import deliver_due


class Command(BaseCommand):
    help = (
        "Periodic work, safe to run twice and concurrently: escalate overdue feedback, close items whose "
        "reopen window has passed, send due messages. Run it every few minutes from cron or Celery beat."
    )

    def handle(self, *args, **options):
        escalated = escalate_overdue()
        closed = close_expired()
        delivery = deliver_due()
        self.stdout.write(
            f"escalated {escalated}, closed {closed}, sent {delivery['sent']}, "
            f"to retry {delivery['retry']}, failed {delivery['failed']}"
        )
