"""A management command base shared by every CSV/XLSX import: read, run, print the report."""

from django.core.management.base import BaseCommand, CommandError

from .tabular import TabularError, read_rows


class ImportCommand(BaseCommand):
    importer = None  # a service function(rows, *, actor, dry_run, source) -> ImportReport

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV or XLSX file; the first row names the columns")
        parser.add_argument("--dry-run", action="store_true", help="check every row, save nothing")

    def handle(self, *args, **options):
        try:
            rows = read_rows(options["path"])
        except (OSError, TabularError) as exc:
            raise CommandError(str(exc)) from exc
        report = type(self).importer(rows, actor=None, dry_run=options["dry_run"], source=options["path"])
        for error in report.errors:
            self.stderr.write(str(error))
        if not report.ok:
            raise CommandError(f"{len(report.errors)} errors: nothing was saved.")
        verb = "would be" if report.dry_run else "were"
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged ({verb} saved)."
            )
        )
