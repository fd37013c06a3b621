"""Recompute every stored process's red flags with the active settings (what a change of the
settings queues in the background), e.g. after an engine upgrade or from cron.

    manage.py recompute_procurement_flags
"""

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from iltod.procurement import services
from iltod.procurement.models import FlagSettings


class Command(BaseCommand):
    help = "Recompute the red flags of every stored contracting process with the active settings."

    def handle(self, *args, **options):
        started = timezone.now()
        stored = services.recompute_flags()
        # a recomputation queued before this one started is done now
        FlagSettings.objects.filter(recompute_queued_at__lte=started).update(recompute_queued_at=None)
        self.stdout.write(_("Red flags recomputed: %(count)d results.") % {"count": stored})
