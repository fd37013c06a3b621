"""``manage.py import_ocds FILE``: import an OCDS file with a progress bar, print the report."""

import os
import sys

from django.core.management.base import BaseCommand, CommandError

from iltod.procurement import services


class Command(BaseCommand):
    help = "Import OCDS (release or record package, JSON lines, XLSX); a file with any error is refused whole."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the file to import")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        path = options["path"]
        if not os.path.isfile(path):
            raise CommandError(f"No such file: {path}")
        total = os.path.getsize(path) or 1
        show = not options["no_progress"] and options["verbosity"] > 0

        def progress(bytes_read, releases):
            if show:
                done = min(40, bytes_read * 40 // total)
                sys.stderr.write(
                    f"\r[{'#' * done}{'.' * (40 - done)}] {bytes_read * 100 // total:3d} % {releases} releases"
                )
                sys.stderr.flush()

        _job, report = services.import_path(path, on_progress=progress)
        if show:
            sys.stderr.write("\n")
        for error in report.errors:
            where = " ".join(part for part in (error["ocid"], error["release"], error["path"]) if part)
            self.stderr.write(f"{where}: {error['message']}" if where else error["message"])
        if not report.ok:
            raise CommandError(f"{report.error_count} errors: nothing from this file was stored.")
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.releases_read} releases read, {report.releases_new} new, {report.releases_seen} seen before; "
                f"{report.processes} processes compiled."
            )
        )
