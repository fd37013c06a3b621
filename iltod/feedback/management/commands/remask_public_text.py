from django.core.management.base import BaseCommand
from django.db import transaction

from iltod.feedback.models import Event, Feedback
from iltod.lib.redact import mask_personal_data

BATCH = 500


class Command(BaseCommand):
    help = (
        "Mask the public texts again with the current rules (after the masking learnt new forms of "
        "numbers), and rebuild the public search key from the masked text. Safe to run twice."
    )

    def handle(self, *args, **options):
        changed = 0
        items = Feedback.objects.exclude(public_description="").only(
            "pk", "description", "transliteration", "public_description"
        )
        for feedback in items.iterator(chunk_size=BATCH):
            masked = mask_personal_data(feedback.public_description)
            with transaction.atomic():
                feedback.public_description = masked
                feedback.save(update_fields=["public_description"])  # save() rebuilds the search keys
            changed += 1
        events = Event.objects.exclude(public_text="").only("pk", "public_text")
        for event in events.iterator(chunk_size=BATCH):
            masked = mask_personal_data(event.public_text)
            if masked != event.public_text:
                event.public_text = masked
                event.save(update_fields=["public_text"])
                changed += 1
        if options["verbosity"]:
            self.stdout.write(f"masked {changed} texts again")
