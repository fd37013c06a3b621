"""``manage.py import_ocds FILE``: import an OCDS file with a progress bar, print the report."""

import os
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from iltod.procurement import services


class Command(BaseCommand):
    help = "Import OCDS (release or record package, JSON lines, XLSX); a file with any error is refused whole."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the file to import")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        path = options["path"]
        if not os.path.isfile(path):
            raise CommandError(_("%(path)s: no such file.") % {"path": path})
        total = os.path.getsize(path) or 1
        show = not options["no_progress"] and options["verbosity"] > 0

        def progress(bytes_read, releases):
            if show:
                done = min(40, bytes_read * 40 // total)
                read = _("%(n)s releases read") % {"n": releases}
                sys.stderr.write(f"\r[{'#' * done}{'.' * (40 - done)}] {bytes_read * 100 // total:3d} % {read}")
                sys.stderr.flush()

        _job, report = services.import_path(path, on_progress=progress)
        if show:
            sys.stderr.write("\n")
        for error in report.errors:
            where = " ".join(part for part in (error["ocid"], error["release"], error["path"]) if part)
            self.stderr.write(f"{where}: {error['message']}" if where else error["message"])
        if not report.ok:
            raise CommandError(
                _("%(count)d errors: nothing from this file was stored.") % {"count": report.error_count}
            )
        summary = _("%(read)d releases read, %(new)d new, %(seen)d seen before; %(processes)d processes compiled.") % {
            "read": report.releases_read,
            "new": report.releases_new,
            "seen": report.releases_seen,
            "processes": report.processes,
        }
        self.stdout.write(self.style.SUCCESS(summary))
