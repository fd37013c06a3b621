"""A drop-in for ``ocdscardinal indicators``: the same settings file, input, options and output.

    manage.py procurement_flags --settings settings.ini prepared.jsonl > results.json

``--settings`` names Cardinal's INI file here (manage.py passes it through instead of taking it for
Django's settings module). ``-`` reads standard input. Broken lines are skipped with a warning
naming the line, as Cardinal skips them; ``--strict`` stops at the first one instead.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from iltod.procurement.flags import (
    BrokenLineError,
    Settings,
    SettingsError,
    Skipped,
    counts,
    dumps,
    run_file,
    run_lines,
)


class Command(BaseCommand):
    help = (
        "Calculate procurement red flags from OCDS compiled releases in a JSON-lines file, as Cardinal's "
        "`indicators` command does: the same settings file, options and JSON output."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Cardinal's --settings is a settings file: it replaces Django's option of the same name.
        parser = super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)
        parser.set_defaults(settings=None)
        return parser

    def add_arguments(self, parser):
        parser.add_argument("file", help='The JSON-lines file of compiled releases ("-" for standard input).')
        parser.add_argument(
            "-s", "--settings", "--ini", dest="ini", metavar="SETTINGS", help="The path to the settings file (INI)."
        )
        parser.add_argument(
            "-c", "--count", action="store_true", help="Print the number of results per group to standard error."
        )
        parser.add_argument("--no-meta", action="store_true", help='Exclude the "Meta" key from the results.')
        parser.add_argument(
            "--map", action="store_true", help='Include the "Maps" key, mapping processes to organizations.'
        )
        parser.add_argument(
            "--skipped", action="store_true", help="Print the processes left out, by reason, to standard error."
        )
        parser.add_argument("--strict", action="store_true", help="Stop at the first line that is not JSON.")
        parser.add_argument("--workers", type=int, default=None, help="Processes to use (default: the cores, ≤ 2).")

    def handle(self, *args, **options):
        settings = self.read_settings(options["ini"])
        skipped = Skipped() if options["skipped"] else None
        errors = []
        common = {
            "meta": not options["no_meta"],
            "maps": options["map"],
            "skipped": skipped,
            "errors": errors,
            "strict": options["strict"],
        }
        try:
            if options["file"] == "-":
                output = run_lines(sys.stdin.buffer, settings, **common)
            else:
                path = Path(options["file"])
                if path.is_dir():
                    raise CommandError(_("%(path)s is a folder, not a file.") % {"path": path})
                if not path.exists():
                    raise CommandError(_("%(path)s: no such file.") % {"path": path})
                output = run_file(path, settings, workers=options["workers"], **common)
        except BrokenLineError as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(_("%(path)s cannot be read: %(error)s") % {"path": options["file"], "error": exc})
        for error in errors:
            self.stderr.write(str(error))
        self.stdout.write(dumps(output).decode())
        if options["count"]:
            for group, number in counts(output):
                self.stderr.write(f"{group}: {number}")
        if skipped is not None:
            for reason, number in skipped.counts().items():
                self.stderr.write(f"{Skipped.label(reason)}: {number}")

    def read_settings(self, path) -> Settings:
        if path is None:
            return Settings()
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(_("%(path)s cannot be read: %(error)s") % {"path": path, "error": exc})
        try:
            return Settings.from_ini(text)
        except SettingsError as exc:
            raise CommandError(f"{path}: {exc}") from None
