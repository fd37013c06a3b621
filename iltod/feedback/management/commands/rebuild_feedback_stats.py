from django.core.management.base import BaseCommand

from iltod.feedback.stats import rebuild


class Command(BaseCommand):
    help = "Recompute the pre-aggregated feedback statistics from the feedback table."

    def handle(self, *args, **options):
        self.stdout.write(f"rebuilt statistics from {rebuild()} items")
