from django.core.management.base import BaseCommand

from iltod.places.services import load_reference_data


class Command(BaseCommand):
    help = "Load Mongolia's administrative units and boundaries from data/reference (idempotent)."

    def handle(self, *args, **options):
        result = load_reference_data()
        self.stdout.write(
            self.style.SUCCESS(
                "Reference data: {created} units created, {updated} updated, {boundaries} boundaries set.".format(
                    **result
                )
            )
        )
