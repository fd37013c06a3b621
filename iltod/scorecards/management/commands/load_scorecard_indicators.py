from django.core.management.base import BaseCommand

from iltod.scorecards.library import load_library


class Command(BaseCommand):
    help = "Load the starter score card indicators (Mongolian and English) and one project per sector."

    def handle(self, *args, **options):
        indicators, projects = load_library()
        self.stdout.write(f"{indicators} indicators and {projects} projects created.")
