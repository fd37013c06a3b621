from django.core.management.base import BaseCommand
from django.db import transaction

from iltod.feedback.models import Event, Feedback
from iltod.lib.redact import mask_personal_data

BATCH = 500


class Command(BaseCommand):
    help = (
        "Mask the public texts again with the current rules (after the masking learnt new forms of "
        "numbers), rebuild the public search key from the masked text, and send rating comments "
        "written before comments were moderated to the moderation queue. Safe to run twice."
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
        # Rating comments written before they were moderated were public as written: they wait for
        # a moderator now, like new ones. (Citizens' updates were for the handling body only then,
        # and stay so.)
        queued = (
            Event.objects.filter(type=Event.Type.RATED, moderation=Feedback.Moderation.PUBLISHED, public_text="")
            .exclude(text="")
            .only("pk", "text")
        )
        for event in queued.iterator(chunk_size=BATCH):
            event.public_text, event.moderation = mask_personal_data(event.text), Feedback.Moderation.PENDING
            event.published_at = None  # published again (and served to Open311 clients) once moderated
            event.save(update_fields=["public_text", "moderation", "published_at"])
            changed += 1
        if options["verbosity"]:
            self.stdout.write(f"masked {changed} texts again")
