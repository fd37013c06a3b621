import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import iltod.places.models


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0001_initial"),
        ("organizations", "0002_initial"),
        ("places", "0004_facility_search_by_kind"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DisclosureRequirement",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "code",
                    models.SlugField(
                        help_text="A short name for the API and files.", max_length=64, unique=True, verbose_name="code"
                    ),
                ),
                ("title", models.CharField(max_length=255, verbose_name="title")),
                ("title_mn", models.CharField(max_length=255, null=True, verbose_name="title")),
                ("title_en", models.CharField(max_length=255, null=True, verbose_name="title")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                ("description_mn", models.TextField(blank=True, null=True, verbose_name="description")),
                ("description_en", models.TextField(blank=True, null=True, verbose_name="description")),
                (
                    "organization_kinds",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="The types of organisation that must publish; none chosen means every type.",
                        verbose_name="types of body",
                    ),
                ),
                (
                    "frequency",
                    models.CharField(
                        choices=[
                            ("monthly", "monthly"),
                            ("quarterly", "quarterly"),
                            ("yearly", "yearly"),
                            ("per_event", "per event"),
                        ],
                        max_length=16,
                        verbose_name="frequency",
                    ),
                ),
                (
                    "threshold",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="For a requirement per event: events of this amount or more must be disclosed.",
                        max_digits=16,
                        null=True,
                        verbose_name="threshold (MNT)",
                    ),
                ),
                (
                    "deadline_days",
                    models.PositiveSmallIntegerField(
                        default=10,
                        help_text="Example deadlines are not verified against the law: check and change them.",
                        verbose_name="deadline (days after the period ends)",
                    ),
                ),
                (
                    "deadline_day_kind",
                    models.CharField(
                        choices=[("calendar", "calendar days"), ("working", "working days")],
                        default="working",
                        max_length=8,
                        verbose_name="deadline counted in",
                    ),
                ),
                (
                    "legal_basis",
                    models.CharField(
                        blank=True, help_text="Law and article.", max_length=255, verbose_name="legal basis"
                    ),
                ),
                (
                    "legal_basis_mn",
                    models.CharField(
                        blank=True, help_text="Law and article.", max_length=255, null=True, verbose_name="legal basis"
                    ),
                ),
                (
                    "legal_basis_en",
                    models.CharField(
                        blank=True, help_text="Law and article.", max_length=255, null=True, verbose_name="legal basis"
                    ),
                ),
                (
                    "form",
                    models.CharField(
                        choices=[("dataset", "structured dataset"), ("document", "document")],
                        default="document",
                        max_length=16,
                        verbose_name="form",
                    ),
                ),
                (
                    "dataset_code",
                    models.CharField(
                        blank=True,
                        help_text="For a structured dataset: the code of the open dataset that fulfils it.",
                        max_length=64,
                        verbose_name="dataset",
                    ),
                ),
                (
                    "starts_on",
                    models.DateField(
                        help_text="No disclosure is due for earlier periods.", verbose_name="first period starts on"
                    ),
                ),
                (
                    "is_example",
                    models.BooleanField(
                        default=False,
                        help_text="An example set for the demo, not a verified legal obligation.",
                        verbose_name="example",
                    ),
                ),
                (
                    "is_active",
                    models.BooleanField(
                        default=True, help_text="Inactive: no new periods are scheduled.", verbose_name="active"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                (
                    "admin_units",
                    models.ManyToManyField(
                        blank=True,
                        help_text="Only bodies based in these areas or below them; none chosen means everywhere.",
                        to="places.adminunit",
                        verbose_name="areas",
                    ),
                ),
                (
                    "sectors",
                    models.ManyToManyField(
                        blank=True,
                        help_text="Only bodies working in these sectors; none chosen means every sector.",
                        to="places.sector",
                        verbose_name="sectors",
                    ),
                ),
            ],
            options={
                "verbose_name": "disclosure requirement",
                "verbose_name_plural": "disclosure requirements",
                "ordering": ["code"],
            },
        ),
        migrations.CreateModel(
            name="ComplianceSummary",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField()),
                ("on_time", models.PositiveIntegerField(default=0)),
                ("late", models.PositiveIntegerField(default=0)),
                ("missing", models.PositiveIntegerField(default=0)),
                ("upcoming", models.PositiveIntegerField(default=0)),
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
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="organizations.organization",
                    ),
                ),
                (
                    "sector",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="places.sector",
                    ),
                ),
            ],
            options={
                "verbose_name": "compliance summary",
                "verbose_name_plural": "compliance summaries",
                "indexes": [
                    models.Index(fields=["organization", "month"], name="compliance_org_month"),
                    models.Index(fields=["aimag", "month"], name="compliance_aimag_month"),
                    models.Index(fields=["sector", "month"], name="compliance_sector_month"),
                ],
            },
        ),
        migrations.CreateModel(
            name="Disclosure",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "code",
                    models.CharField(
                        default=iltod.places.models.new_public_code,
                        editable=False,
                        max_length=12,
                        unique=True,
                        verbose_name="public code",
                    ),
                ),
                ("period_start", models.DateField(verbose_name="period starts")),
                ("period_end", models.DateField(verbose_name="period ends")),
                ("due_on", models.DateField(verbose_name="due on")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("due", "to be published"),
                            ("on_time", "published on time"),
                            ("late", "published late"),
                            ("missing", "missing"),
                        ],
                        default="due",
                        max_length=8,
                        verbose_name="status",
                    ),
                ),
                ("event_description", models.CharField(blank=True, max_length=255, verbose_name="event")),
                (
                    "event_amount",
                    models.DecimalField(
                        blank=True, decimal_places=2, max_digits=16, null=True, verbose_name="amount (MNT)"
                    ),
                ),
                ("published_at", models.DateTimeField(blank=True, null=True, verbose_name="published")),
                ("document", models.FileField(blank=True, upload_to="disclosure/%Y/%m/", verbose_name="document")),
                ("document_type", models.CharField(blank=True, editable=False, max_length=100)),
                ("document_size", models.PositiveIntegerField(blank=True, editable=False, null=True)),
                ("dataset_code", models.CharField(blank=True, max_length=64, verbose_name="dataset")),
                ("dataset_period", models.CharField(blank=True, max_length=32, verbose_name="dataset period")),
                ("note", models.CharField(blank=True, max_length=500, verbose_name="note")),
                (
                    "explanation",
                    models.TextField(
                        blank=True, help_text="Why the item is late or missing: public.", verbose_name="explanation"
                    ),
                ),
                ("explained_at", models.DateTimeField(blank=True, null=True, verbose_name="explained")),
                ("reminded_before_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("reminded_after_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                (
                    "aimag",
                    models.ForeignKey(
                        blank=True,
                        help_text="Where the body is based; empty for national bodies.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="places.adminunit",
                        verbose_name="aimag or capital",
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="disclosures",
                        to="organizations.organization",
                        verbose_name="body",
                    ),
                ),
                (
                    "published_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "sector",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="places.sector",
                        verbose_name="sector",
                    ),
                ),
                (
                    "requirement",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="disclosures",
                        to="disclosure.disclosurerequirement",
                        verbose_name="requirement",
                    ),
                ),
            ],
            options={
                "verbose_name": "disclosure",
                "verbose_name_plural": "disclosures",
                "ordering": ["-due_on", "requirement__code"],
                "indexes": [
                    models.Index(fields=["organization", "-due_on"], name="disclosure_org_due"),
                    models.Index(fields=["status", "due_on"], name="disclosure_status_due"),
                    models.Index(fields=["aimag", "due_on"], name="disclosure_aimag_due"),
                    models.Index(fields=["sector", "due_on"], name="disclosure_sector_due"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("requirement", "organization", "period_start", "event_description"),
                        name="disclosure_one_per_period",
                    )
                ],
            },
        ),
    ]
