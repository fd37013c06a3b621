import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from iltod.engagement.demo import seed_engagement_demo
from iltod.engagement.demo_plans import seed_plans_demo


class Command(BaseCommand):
    help = (
        "Add demo multi-stakeholder groups (members, meetings, attendance, local issues, a project) and their "
        "joint action plans to the demo data made by seed_demo. Idempotent: creates only what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="seed even when DJANGO_ENV=production (never do this on real data)",
        )

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION and not options["allow_production"]:
            raise CommandError("Refusing to seed demo data with DJANGO_ENV=production (see --allow-production).")
        started = time.perf_counter()
        groups = seed_engagement_demo()
        plans = seed_plans_demo()
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"{groups.summary()} {plans.summary()} Took {elapsed:.1f} s."))
