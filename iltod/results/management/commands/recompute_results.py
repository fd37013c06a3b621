import time

from django.core.management.base import BaseCommand, CommandError

from iltod.results.models import Period
from iltod.results.ranking import compute_ranking
from iltod.results.services import current_periods, recompute


class Command(BaseCommand):
    help = "Recompute the computed actuals, the figures of the dashboards and the ranking of a period."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="The period starting in this year (every framework).")
        parser.add_argument("--all", action="store_true", help="Every period of every framework.")

    def handle(self, *args, year=None, all=False, **options):
        if all:
            periods = list(Period.objects.select_related("framework"))
        elif year:
            periods = list(Period.objects.filter(start__year=year).select_related("framework"))
            if not periods:
                raise CommandError(f"No reporting period starts in {year}.")
        else:
            periods = current_periods()
        for period in periods:
            started = time.perf_counter()
            figures = recompute(period)
            ranked = compute_ranking(period)
            took = time.perf_counter() - started
            self.stdout.write(f"{period.framework.code} {period}: {figures} figures, {ranked} bodies, {took:.1f} s")
