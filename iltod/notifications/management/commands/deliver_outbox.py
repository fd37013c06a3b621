import time

from django.core.management.base import BaseCommand

from iltod.notifications.services import deliver_due


class Command(BaseCommand):
    help = "Send due e-mails and SMS from the outbox. With --loop, keep running (a worker without Celery)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--interval", type=float, default=5.0)
        parser.add_argument("--batch", type=int, default=100)

    def handle(self, *args, **options):
        while True:
            counts = deliver_due(batch=options["batch"])
            if any(counts.values()) or not options["loop"]:
                self.stdout.write("sent {sent}, to retry {retry}, failed {failed}".format(**counts))
            if not options["loop"]:
                return
            time.sleep(options["interval"])
