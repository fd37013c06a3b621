import django.db.models.deletion
from django.db import migrations, models
from django.db.models import FloatField, Sum
from django.db.models.functions import Cast, ExtractYear, NullIf


def count_years(apps, schema_editor):
    """The yearly rows of the bodies already counted in the summary (a later recount rewrites them)."""
    ComplianceSummary = apps.get_model("disclosure", "ComplianceSummary")
    ComplianceYear = apps.get_model("disclosure", "ComplianceYear")
    counts = ("on_time", "late", "missing", "upcoming")
    due = Sum("on_time") + Sum("late") + Sum("missing")
    rows = (
        ComplianceSummary.objects.using(schema_editor.connection.alias)
        .filter(organization__isnull=False)
        .annotate(year=ExtractYear("month"))
        .values("organization_id", "aimag_id", "year")
        .annotate(due=due, share=Cast(Sum("on_time"), FloatField()) / NullIf(due, 0))
        .annotate(**{name: Sum(name) for name in counts})  # after: an aggregate named like a column hides it
        .order_by()
    )
    batch = []
    for row in rows.iterator(chunk_size=2000):
        share = row.pop("share")
        batch.append(ComplianceYear(on_time_share=share, **row))
        if len(batch) == 2000:
            ComplianceYear.objects.using(schema_editor.connection.alias).bulk_create(batch)
            batch = []
    ComplianceYear.objects.using(schema_editor.connection.alias).bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0004_budgets_projects")]

    operations = [
        migrations.CreateModel(
            name="ComplianceYear",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("year", models.PositiveSmallIntegerField()),
                ("on_time", models.PositiveIntegerField(default=0)),
                ("late", models.PositiveIntegerField(default=0)),
                ("missing", models.PositiveIntegerField(default=0)),
                ("upcoming", models.PositiveIntegerField(default=0)),
                ("due", models.PositiveIntegerField(default=0)),
                ("on_time_share", models.FloatField(blank=True, null=True)),
                (
                    "aimag",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="places.adminunit",
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="organizations.organization"
                    ),
                ),
            ],
            options={
                "verbose_name": "yearly compliance of a body",
                "verbose_name_plural": "yearly compliance of bodies",
                "indexes": [models.Index(fields=["aimag", "year"], name="complianceyear_aimag_year")],
            },
        ),
        migrations.RunPython(count_years, migrations.RunPython.noop),
    ]
