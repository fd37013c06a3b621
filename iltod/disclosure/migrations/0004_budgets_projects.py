import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import iltod.places.models


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0003_facility_data"),
        ("feedback", "0010_publication_time_of_public_events"),
        ("organizations", "0002_initial"),
        ("places", "0004_facility_search_by_kind"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="LdfProject",
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
                (
                    "external_id",
                    models.CharField(
                        help_text="The publisher's own identifier; an import updates the project with the same id.",
                        max_length=64,
                        unique=True,
                        verbose_name="external id",
                    ),
                ),
                (
                    "fiscal_year",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(2000),
                            django.core.validators.MaxValueValidator(2100),
                        ],
                        verbose_name="year",
                    ),
                ),
                ("title_mn", models.CharField(max_length=255, verbose_name="title (Mongolian)")),
                ("title_en", models.CharField(blank=True, max_length=255, verbose_name="title (English)")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                (
                    "category",
                    models.CharField(
                        choices=[
                            ("roads", "roads and bridges"),
                            ("water", "water supply and wells"),
                            ("education", "schools and kindergartens"),
                            ("health", "health"),
                            ("culture", "culture and sports"),
                            ("public_space", "public spaces and lighting"),
                            ("environment", "environment and waste"),
                            ("livestock", "livestock and agriculture"),
                            ("other", "other"),
                        ],
                        default="other",
                        max_length=16,
                        verbose_name="category",
                    ),
                ),
                (
                    "latitude",
                    models.FloatField(
                        blank=True,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(-90),
                            django.core.validators.MaxValueValidator(90),
                        ],
                        verbose_name="latitude",
                    ),
                ),
                (
                    "longitude",
                    models.FloatField(
                        blank=True,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(-180),
                            django.core.validators.MaxValueValidator(180),
                        ],
                        verbose_name="longitude",
                    ),
                ),
                (
                    "amount_approved",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=16,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="amount approved",
                    ),
                ),
                (
                    "amount_spent",
                    models.DecimalField(
                        decimal_places=2,
                        default=0,
                        max_digits=16,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="amount spent",
                    ),
                ),
                (
                    "ocid",
                    models.CharField(
                        blank=True,
                        help_text="The open contracting identifier of the procurement.",
                        max_length=128,
                        verbose_name="OCID",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("planned", "planned"),
                            ("procurement", "in procurement"),
                            ("in_progress", "in progress"),
                            ("completed", "completed"),
                            ("suspended", "suspended"),
                            ("cancelled", "cancelled"),
                        ],
                        default="planned",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                (
                    "progress",
                    models.PositiveSmallIntegerField(
                        default=0,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="progress (%)",
                    ),
                ),
                ("started_on", models.DateField(blank=True, null=True, verbose_name="started on")),
                ("due_on", models.DateField(blank=True, null=True, verbose_name="due on")),
                ("completed_on", models.DateField(blank=True, null=True, verbose_name="completed on")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "admin_unit",
                    models.ForeignKey(
                        help_text="The soum, district, bag or khoroo whose fund pays for the project.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ldf_projects",
                        to="places.adminunit",
                        verbose_name="area",
                    ),
                ),
                (
                    "contractor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="ldf_contracts",
                        to="organizations.organization",
                        verbose_name="contractor",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="updated by",
                    ),
                ),
            ],
            options={
                "verbose_name": "Local Development Fund project",
                "verbose_name_plural": "Local Development Fund projects",
                "ordering": ["-fiscal_year", "title_mn"],
            },
        ),
        migrations.CreateModel(
            name="Milestone",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=255, verbose_name="milestone")),
                ("planned_on", models.DateField(blank=True, null=True, verbose_name="planned for")),
                ("done_on", models.DateField(blank=True, null=True, verbose_name="done on")),
                ("photo", models.FileField(blank=True, upload_to="ldf/milestones/%Y/%m/", verbose_name="photo")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="milestones",
                        to="disclosure.ldfproject",
                        verbose_name="project",
                    ),
                ),
            ],
            options={
                "verbose_name": "milestone",
                "verbose_name_plural": "milestones",
                "ordering": ["project", "planned_on", "pk"],
            },
        ),
        migrations.CreateModel(
            name="MonitoringReport",
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
                (
                    "name",
                    models.CharField(
                        blank=True, help_text="Shown with the report if given.", max_length=150, verbose_name="name"
                    ),
                ),
                ("visited_on", models.DateField(verbose_name="visited on")),
                (
                    "progress_seen",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="progress seen (%)",
                    ),
                ),
                (
                    "rating",
                    models.PositiveSmallIntegerField(
                        choices=[(1, "very bad"), (2, "bad"), (3, "fair"), (4, "good"), (5, "very good")],
                        verbose_name="rating",
                    ),
                ),
                ("problems", models.TextField(blank=True, verbose_name="problems")),
                ("comment", models.TextField(blank=True, verbose_name="comment")),
                ("photo", models.FileField(blank=True, upload_to="ldf/reports/%Y/%m/", verbose_name="photo")),
                (
                    "moderation",
                    models.CharField(
                        choices=[
                            ("pending", "awaiting moderation"),
                            ("published", "published"),
                            ("rejected", "not published"),
                        ],
                        default="pending",
                        max_length=16,
                        verbose_name="moderation",
                    ),
                ),
                ("moderated_at", models.DateTimeField(blank=True, null=True, verbose_name="moderated at")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                (
                    "feedback",
                    models.ForeignKey(
                        blank=True,
                        help_text="The feedback item the report's problems became.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="ldf_reports",
                        to="feedback.feedback",
                        verbose_name="feedback item",
                    ),
                ),
                (
                    "moderated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="moderated by",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reports",
                        to="disclosure.ldfproject",
                        verbose_name="project",
                    ),
                ),
                (
                    "submitted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="submitted by",
                    ),
                ),
            ],
            options={
                "verbose_name": "monitoring report",
                "verbose_name_plural": "monitoring reports",
                "ordering": ["-created_at"],
            },
        ),
        migrations.CreateModel(
            name="Transfer",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "code",
                    models.CharField(
                        help_text="Unique per sender and year; an import updates the step with the same code.",
                        max_length=64,
                        verbose_name="transfer code",
                    ),
                ),
                (
                    "fiscal_year",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(2000),
                            django.core.validators.MaxValueValidator(2100),
                        ],
                        verbose_name="fiscal year",
                    ),
                ),
                (
                    "purpose",
                    models.CharField(
                        help_text="e.g. Operating budget of schools, Q1", max_length=255, verbose_name="purpose"
                    ),
                ),
                (
                    "allocated",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=16,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="allocated",
                    ),
                ),
                (
                    "released",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=16,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="released",
                    ),
                ),
                (
                    "received",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=16,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="received",
                    ),
                ),
                ("allocated_on", models.DateField(blank=True, null=True, verbose_name="allocated on")),
                (
                    "expected_on",
                    models.DateField(
                        blank=True,
                        help_text="When the money should arrive, by the schedule.",
                        null=True,
                        verbose_name="expected on",
                    ),
                ),
                ("released_on", models.DateField(blank=True, null=True, verbose_name="released on")),
                ("received_on", models.DateField(blank=True, null=True, verbose_name="received on")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "admin_unit",
                    models.ForeignKey(
                        help_text="The area of the receiving body or facility (the aimag page lists its steps).",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="places.adminunit",
                        verbose_name="receiving area",
                    ),
                ),
                (
                    "from_organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="transfers_sent",
                        to="organizations.organization",
                        verbose_name="from",
                    ),
                ),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        help_text="The step that brought the money to the sending body.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="next_steps",
                        to="disclosure.transfer",
                        verbose_name="previous step",
                    ),
                ),
                (
                    "to_organization",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="transfers_received",
                        to="organizations.organization",
                        verbose_name="to body",
                    ),
                ),
                (
                    "to_service_unit",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="transfers_received",
                        to="places.serviceunit",
                        verbose_name="to facility",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="updated by",
                    ),
                ),
            ],
            options={
                "verbose_name": "transfer",
                "verbose_name_plural": "transfers",
                "ordering": ["-fiscal_year", "code"],
            },
        ),
        migrations.CreateModel(
            name="BudgetLine",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "fiscal_year",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(2000),
                            django.core.validators.MaxValueValidator(2100),
                        ],
                        verbose_name="fiscal year",
                    ),
                ),
                (
                    "code",
                    models.CharField(
                        help_text="Unique within the body and year; an import updates the line with the same code.",
                        max_length=64,
                        verbose_name="line code",
                    ),
                ),
                (
                    "administrative_code",
                    models.CharField(blank=True, max_length=32, verbose_name="administrative classification"),
                ),
                (
                    "functional_code",
                    models.CharField(blank=True, max_length=32, verbose_name="functional classification"),
                ),
                ("functional_label", models.CharField(blank=True, max_length=200, verbose_name="function")),
                ("economic_code", models.CharField(blank=True, max_length=32, verbose_name="economic classification")),
                ("economic_label", models.CharField(blank=True, max_length=200, verbose_name="economic item")),
                (
                    "approved",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=16,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="approved",
                    ),
                ),
                (
                    "adjusted",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=16,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="adjusted",
                    ),
                ),
                (
                    "executed",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=16,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="executed",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="budget_lines",
                        to="organizations.organization",
                        verbose_name="budget body",
                    ),
                ),
                (
                    "service_unit",
                    models.ForeignKey(
                        blank=True,
                        help_text="Empty when the line is the body's own.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="budget_lines",
                        to="places.serviceunit",
                        verbose_name="facility",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="updated by",
                    ),
                ),
            ],
            options={
                "verbose_name": "budget line",
                "verbose_name_plural": "budget lines",
                "ordering": ["-fiscal_year", "organization_id", "code"],
                "indexes": [
                    models.Index(fields=["fiscal_year", "organization"], name="budgetline_year_org"),
                    models.Index(fields=["service_unit", "fiscal_year"], name="budgetline_unit_year"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organization", "fiscal_year", "code"), name="budgetline_unique_code"
                    )
                ],
            },
        ),
        migrations.AddIndex(
            model_name="ldfproject",
            index=models.Index(fields=["admin_unit", "fiscal_year"], name="ldfproject_area_year"),
        ),
        migrations.AddIndex(
            model_name="ldfproject",
            index=models.Index(fields=["fiscal_year", "status"], name="ldfproject_year_status"),
        ),
        migrations.AddIndex(
            model_name="monitoringreport",
            index=models.Index(fields=["project", "moderation", "-created_at"], name="ldfreport_project_mod"),
        ),
        migrations.AddIndex(
            model_name="transfer",
            index=models.Index(fields=["to_service_unit", "fiscal_year"], name="transfer_unit_year"),
        ),
        migrations.AddIndex(
            model_name="transfer",
            index=models.Index(fields=["admin_unit", "fiscal_year"], name="transfer_area_year"),
        ),
        migrations.AddConstraint(
            model_name="transfer",
            constraint=models.UniqueConstraint(
                fields=("from_organization", "fiscal_year", "code"), name="transfer_unique_code"
            ),
        ),
        migrations.AddConstraint(
            model_name="transfer",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("to_organization__isnull", False), ("to_service_unit__isnull", False), _connector="OR"
                ),
                name="transfer_has_receiver",
            ),
        ),
    ]
