"""Import facility values from a CSV/XLSX file (facility_code, indicator, period, value), with a
progress bar on a terminal. Every row is checked first; nothing is saved unless every row is valid."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from iltod.disclosure.services.facility_data import import_values
from iltod.lib.tabular import TabularError, read_rows

BAR_WIDTH = 40


class ProgressBar:
    """``[#####-----]  52 %  51 000 / 100 000 rows  12 s`` redrawn in place (a line per step when
    the output is not a terminal)."""

    def __init__(self, stream, label: str):
        self.stream, self.label, self.started, self.last = stream, label, time.monotonic(), -1

    def __call__(self, done: int, total: int) -> None:
        percent = int(done * 100 / total) if total else 100
        if percent == self.last:
            return
        self.last = percent
        filled = BAR_WIDTH * percent // 100
        line = (
            f"{self.label} [{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {percent:3d} %  "
            f"{done:,} / {total:,}  {time.monotonic() - self.started:.0f} s"
        ).replace(",", " ")
        if getattr(self.stream, "isatty", lambda: False)():
            self.stream.write("\r" + line, ending="")
        else:
            self.stream.write(line)
        self.stream.flush()


class Command(BaseCommand):
    help = "Import facility values from a CSV or XLSX file, with a progress bar."

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV or XLSX file; the first row names the columns")
        parser.add_argument("--dry-run", action="store_true", help="check every row, save nothing")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            rows = read_rows(options["path"])
        except (OSError, TabularError) as exc:
            raise CommandError(str(exc)) from exc
        progress = None if options["no_progress"] else ProgressBar(self.stdout, "rows")
        report = import_values(rows, actor=None, dry_run=options["dry_run"], source=options["path"], progress=progress)
        if progress is not None and sys.stdout.isatty():
            self.stdout.write("")
        for error in report.errors[:200]:
            self.stderr.write(str(error))
        if not report.ok:
            raise CommandError(f"{len(report.errors)} errors: nothing was saved.")
        verb = "would be" if report.dry_run else "were"
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged ({verb} saved) "
                f"in {time.monotonic() - started:.1f} s."
            )
        )
