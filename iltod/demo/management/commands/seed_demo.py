import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from iltod.demo.seed import seed_demo


class Command(BaseCommand):
    help = (
        "Create the demo data: facilities in 10 aimags and 3 Ulaanbaatar districts, organisations, networks "
        "and one login per persona (docs/demo.md). Deterministic and idempotent: running it again creates "
        "only what is missing and changes nothing that exists."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="multiply facilities and local CSOs by this integer (≥ 1) for performance work; default 1",
        )
        parser.add_argument(
            "--feedback-rows",
            type=int,
            default=0,
            help=(
                "then add bulk feedback items up to this number, written with COPY (PostgreSQL only), and "
                "rebuild the statistics: national-scale data for benchmarks (docs/benchmarks.md)"
            ),
        )
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="set the password of every persona login back to the demo password",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="seed even when DJANGO_ENV=production (never do this on real data)",
        )

    def handle(self, *args, **options):
        if options["scale"] < 1:
            raise CommandError("--scale must be an integer of at least 1.")
        if settings.IS_PRODUCTION and not options["allow_production"]:
            raise CommandError("Refusing to seed demo data with DJANGO_ENV=production (see --allow-production).")
        started = time.perf_counter()
        try:
            result = seed_demo(scale=options["scale"], reset_passwords=options["reset_passwords"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"{result.summary()} Took {elapsed:.1f} s."))
        if options["feedback_rows"]:
            # The benchmark's generator lives with the benchmark, outside the application package.
            from bench.bulk_feedback import seed_bulk_feedback

            try:
                bulk = seed_bulk_feedback(
                    options["feedback_rows"],
                    progress=lambda line: self.stdout.write(line) if options["verbosity"] > 1 else None,
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(self.style.SUCCESS(bulk.summary()))
