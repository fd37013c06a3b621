from django.core.management.base import BaseCommand
from django.db.models import F
from django.utils import timezone

from iltod.scorecards.models import ScorecardCycle, StagePlan


class Command(BaseCommand):
    help = "List open score card cycles whose current stage should have ended (for cron or a weekly e-mail)."

    def handle(self, *args, **options):
        plans = (
            StagePlan.objects.filter(
                cycle__in=ScorecardCycle.objects.open(),
                stage=F("cycle__stage"),
                completed_on__isnull=True,
                planned_end__lt=timezone.localdate(),
            )
            .select_related("cycle__service_unit", "cycle__owner_organization")
            .order_by("planned_end", "pk")
        )
        count = 0
        for plan in plans.iterator(chunk_size=500):
            cycle = plan.cycle
            self.stdout.write(
                f"{cycle.code}\t{plan.days_late}\t{plan.stage}\t{cycle.service_unit.name}\t{cycle.owner_organization.name}"
            )
            count += 1
        self.stdout.write(f"{count} cycles behind schedule.")
