from django.core.management.base import BaseCommand

from iltod.core import periodic


class Command(BaseCommand):
    help = (
        "Periodic work, safe to run twice and concurrently: every job the apps registered in "
        "iltod.core.periodic (escalate overdue feedback, close items whose reopen window has passed, "
        "remind of overdue actions, send due messages…). Run it every few minutes from cron or Celery beat."
    )

    def handle(self, *args, **options):
        for name, result in periodic.run_all():
            self.stdout.write(f"{name}: {result}")
