from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from iltod.accounts.models import User
from iltod.demo.data import DEMO_PASSWORD, PERSONAS


class Command(BaseCommand):
    help = "Print the site URL and the demo persona logins (e-mail, phone, password, role, organisation)."

    def add_arguments(self, parser):
        parser.add_argument("--url", default=f"{settings.SITE_URL}/", help="the URL to print; default SITE_URL")

    def handle(self, *args, **options):
        with translation.override("en"):
            rows = self.rows()
        self.stdout.write(f"Iltod is at {options['url']}")
        if not any(row[1] for row in rows[1:]):
            self.stdout.write("No demo logins yet: run `manage.py seed_demo` first.")
            return
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for number, row in enumerate(rows):
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
            if number == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
        self.stdout.write(
            f"Log in with the e-mail or the phone number. If a password was changed, reset them all with "
            f"`manage.py seed_demo --reset-passwords` (back to {DEMO_PASSWORD})."
        )

    def rows(self) -> list[list[str]]:
        """The header and one row per persona; a persona not seeded yet has empty cells."""
        users = {u.email: u for u in User.objects.filter(email__in=[p.email for p in PERSONAS])}
        rows = [["persona", "e-mail", "phone", "password", "role", "organisation"]]
        for persona in PERSONAS:
            user = users.get(persona.email)
            if user is None:
                rows.append([persona.label, "", "", "", "(not seeded)", ""])
                continue
            membership = user.active_memberships().order_by("pk").first()
            if user.is_superuser:
                role, organisation = "platform administrator (superuser, back office)", "—"
            elif membership is None:
                role, organisation = "citizen (no organisation)", "—"
            else:
                role, organisation = str(membership.get_role_display()), str(membership.organization)
            rows.append([persona.label, user.email, user.phone or "—", DEMO_PASSWORD, role, organisation])
        return rows
