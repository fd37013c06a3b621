from django.core.management.base import BaseCommand

from iltod.feedback.services import apply_guard_to_open_items


class Command(BaseCommand):
    help = (
        "Open items recorded before the guard and oversight: route guarded items away from the "
        "facility they name, and give every open item its oversight body. Safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would change, change nothing.")

    def handle(self, *args, dry_run=False, **options):
        moved, overseen = apply_guard_to_open_items(dry_run=dry_run)
        verb = "would move" if dry_run else "moved"
        self.stdout.write(f"{verb} {moved} guarded items away from their facility; oversight set on {overseen} items")
