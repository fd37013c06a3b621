import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import iltod.learning.models.library
import iltod.places.models


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0004_plan_list_index"),
        ("learning", "0002_profiles_competencies"),
        ("organizations", "0002_initial"),
        ("places", "0004_facility_search_by_kind"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="FocusArea",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=255, verbose_name="focus area")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
            ],
            options={
                "verbose_name": "focus area",
                "verbose_name_plural": "focus areas",
                "ordering": ["plan", "order", "pk"],
            },
        ),
        migrations.CreateModel(
            name="Participation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("held_on", models.DateField(editable=False, verbose_name="training date")),
                (
                    "sessions_attended",
                    models.PositiveSmallIntegerField(default=0, editable=False, verbose_name="sessions attended"),
                ),
                (
                    "pre_score",
                    models.DecimalField(
                        blank=True, decimal_places=1, max_digits=6, null=True, verbose_name="pre-test score"
                    ),
                ),
                (
                    "post_score",
                    models.DecimalField(
                        blank=True, decimal_places=1, max_digits=6, null=True, verbose_name="post-test score"
                    ),
                ),
                (
                    "certificate_code",
                    models.CharField(
                        blank=True,
                        editable=False,
                        max_length=12,
                        null=True,
                        unique=True,
                        verbose_name="certificate code",
                    ),
                ),
                (
                    "certificate_issued_on",
                    models.DateField(blank=True, editable=False, null=True, verbose_name="certificate issued"),
                ),
                (
                    "follow_up_token",
                    models.CharField(blank=True, editable=False, max_length=32, null=True, unique=True),
                ),
                ("reminded_before_on", models.DateField(blank=True, editable=False, null=True)),
                ("reminded_follow_up_on", models.DateField(blank=True, editable=False, null=True)),
                ("registered_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="registered")),
            ],
            options={
                "verbose_name": "participation",
                "verbose_name_plural": "participations",
                "ordering": ["training", "person__full_name", "pk"],
            },
        ),
        migrations.CreateModel(
            name="LibraryItem",
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
                    "kind",
                    models.CharField(
                        choices=[
                            ("definition", "working definition of social accountability"),
                            ("guide", "guide to an SA tool"),
                            ("case_study", "case study"),
                            ("lesson", "lesson learned"),
                            ("workshop", "workshop documentation"),
                            ("other", "other document"),
                        ],
                        default="lesson",
                        max_length=16,
                        verbose_name="type",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "draft"), ("in_review", "waiting for review"), ("published", "published")],
                        default="draft",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                ("title_mn", models.CharField(max_length=255, verbose_name="title (Mongolian)")),
                ("title_en", models.CharField(blank=True, max_length=255, verbose_name="title (English)")),
                ("body_mn", models.TextField(blank=True, verbose_name="text (Mongolian)")),
                ("body_en", models.TextField(blank=True, verbose_name="text (English)")),
                (
                    "file",
                    models.FileField(
                        blank=True, upload_to=iltod.learning.models.library.library_upload_path, verbose_name="document"
                    ),
                ),
                (
                    "sa_tool",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("scorecard", "community score card"),
                            ("report_card", "citizen report card"),
                            ("social_audit", "social audit"),
                            ("pets", "public expenditure tracking (PETS)"),
                            ("participatory_budgeting", "participatory budgeting"),
                            ("procurement_monitoring", "procurement monitoring"),
                            ("public_hearing", "public hearing"),
                            ("budget_analysis", "budget analysis"),
                            ("other", "other tool"),
                        ],
                        max_length=32,
                        verbose_name="SA tool",
                    ),
                ),
                ("review_note", models.TextField(blank=True, verbose_name="reviewer's note")),
                ("search_key", models.TextField(blank=True, editable=False)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "aimag",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="places.adminunit",
                        verbose_name="aimag or capital",
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="author",
                    ),
                ),
                (
                    "competency_areas",
                    models.ManyToManyField(
                        blank=True, related_name="+", to="learning.competencyarea", verbose_name="competency areas"
                    ),
                ),
                (
                    "meeting",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="engagement.meeting",
                        verbose_name="meeting",
                    ),
                ),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organizations.organization",
                        verbose_name="network",
                    ),
                ),
                (
                    "sectors",
                    models.ManyToManyField(blank=True, related_name="+", to="places.sector", verbose_name="sectors"),
                ),
            ],
            options={
                "verbose_name": "library item",
                "verbose_name_plural": "library items",
                "ordering": ["-updated_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="LibraryVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField(verbose_name="version")),
                ("title_mn", models.CharField(max_length=255, verbose_name="title (Mongolian)")),
                ("title_en", models.CharField(blank=True, max_length=255, verbose_name="title (English)")),
                ("body_mn", models.TextField(blank=True, verbose_name="text (Mongolian)")),
                ("body_en", models.TextField(blank=True, verbose_name="text (English)")),
                ("note", models.CharField(blank=True, max_length=255, verbose_name="what changed")),
                ("saved_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="saved")),
                ("published_at", models.DateTimeField(blank=True, null=True, verbose_name="published")),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="versions",
                        to="learning.libraryitem",
                        verbose_name="library item",
                    ),
                ),
                (
                    "saved_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="saved by",
                    ),
                ),
            ],
            options={
                "verbose_name": "version",
                "verbose_name_plural": "versions",
                "ordering": ["item", "-number"],
            },
        ),
        migrations.AddField(
            model_name="libraryitem",
            name="published",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="learning.libraryversion",
                verbose_name="published version",
            ),
        ),
        migrations.CreateModel(
            name="Objective",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=255, verbose_name="objective")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                (
                    "action_plan",
                    models.OneToOneField(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="strategic_objective",
                        to="engagement.actionplan",
                        verbose_name="action points",
                    ),
                ),
                (
                    "focus_area",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="objectives",
                        to="learning.focusarea",
                        verbose_name="focus area",
                    ),
                ),
            ],
            options={
                "verbose_name": "objective",
                "verbose_name_plural": "objectives",
                "ordering": ["focus_area", "order", "pk"],
            },
        ),
        migrations.CreateModel(
            name="FollowUp",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("answered_on", models.DateField(verbose_name="answered on")),
                ("applied", models.BooleanField(verbose_name="applied what they learned")),
                ("with_whom", models.TextField(blank=True, verbose_name="with whom")),
                ("what_changed", models.TextField(blank=True, verbose_name="what changed")),
                (
                    "changed_practice",
                    models.BooleanField(
                        default=False,
                        help_text="The person or their organisation works differently now.",
                        verbose_name="practice changed",
                    ),
                ),
                (
                    "cited_records",
                    models.TextField(
                        blank=True,
                        help_text="Addresses or codes of score cards, action plans or monitoring cases, one per line.",
                        verbose_name="platform records",
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="entered")),
                (
                    "entered_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="entered by",
                    ),
                ),
                (
                    "participation",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="follow_up",
                        to="learning.participation",
                        verbose_name="participation",
                    ),
                ),
            ],
            options={
                "verbose_name": "follow-up",
                "verbose_name_plural": "follow-ups",
                "ordering": ["-answered_on", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="Person",
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
                ("full_name", models.CharField(max_length=255, verbose_name="name")),
                (
                    "sex",
                    models.CharField(
                        choices=[("female", "female"), ("male", "male"), ("undisclosed", "not stated")],
                        default="undisclosed",
                        max_length=16,
                        verbose_name="sex",
                    ),
                ),
                (
                    "age_group",
                    models.CharField(
                        choices=[
                            ("under_18", "under 18"),
                            ("18_34", "18–34"),
                            ("35_59", "35–59"),
                            ("60_plus", "60 and over"),
                            ("unknown", "not stated"),
                        ],
                        default="unknown",
                        max_length=16,
                        verbose_name="age group",
                    ),
                ),
                (
                    "stakeholder_type",
                    models.CharField(
                        choices=[
                            ("governors_office", "governor's office"),
                            ("khural", "citizens' representative khural"),
                            ("health_department", "health department"),
                            ("education_department", "education department"),
                            ("other_government", "other government body"),
                            ("service_provider", "service provider"),
                            ("cso", "civil society organisation"),
                            ("media", "media"),
                            ("academia", "academia"),
                            ("private_sector", "private sector"),
                            ("donor", "development partner"),
                            ("citizen", "citizen"),
                            ("other", "other"),
                        ],
                        default="cso",
                        max_length=32,
                        verbose_name="stakeholder type",
                    ),
                ),
                (
                    "organization_name",
                    models.CharField(
                        blank=True,
                        help_text="When it is not on the platform.",
                        max_length=255,
                        verbose_name="organisation (as written)",
                    ),
                ),
                ("phone", models.CharField(blank=True, max_length=32, verbose_name="phone")),
                ("email", models.EmailField(blank=True, max_length=254, verbose_name="e-mail")),
                ("name_key", models.CharField(blank=True, editable=False, max_length=600)),
                (
                    "consents_to_sensitive",
                    models.BooleanField(
                        default=False,
                        help_text="Only with this consent are a marginalised group and a disability recorded.",
                        verbose_name="agrees to state group and disability",
                    ),
                ),
                (
                    "marginalised_group",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "none or not stated"),
                            ("low_income", "low-income household"),
                            ("herder", "herder household"),
                            ("ethnic_minority", "ethnic minority"),
                            ("migrant", "internal migrant"),
                            ("lgbti", "LGBTI"),
                            ("other", "other marginalised group"),
                        ],
                        max_length=24,
                        verbose_name="poor or marginalised group",
                    ),
                ),
                ("has_disability", models.BooleanField(blank=True, null=True, verbose_name="person with disability")),
                (
                    "first_trained_on",
                    models.DateField(blank=True, editable=False, null=True, verbose_name="first trained"),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                (
                    "aimag",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="places.adminunit",
                        verbose_name="aimag or capital",
                    ),
                ),
                (
                    "merged_into",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="learning.person",
                        verbose_name="merged into",
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="learning_people",
                        to="organizations.organization",
                        verbose_name="organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "person",
                "verbose_name_plural": "people",
                "ordering": ["full_name", "pk"],
            },
        ),
        migrations.AddField(
            model_name="participation",
            name="person",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="participations",
                to="learning.person",
                verbose_name="person",
            ),
        ),
        migrations.CreateModel(
            name="Resource",
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
                    "kind",
                    models.CharField(
                        choices=[
                            ("fee", "membership fee"),
                            ("grant", "grant"),
                            ("service", "paid service"),
                            ("in_kind", "in-kind support"),
                        ],
                        max_length=16,
                        verbose_name="type",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("idea", "idea"),
                            ("submitted", "submitted"),
                            ("won", "won"),
                            ("lost", "lost"),
                            ("received", "received"),
                        ],
                        default="received",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                ("title", models.CharField(max_length=255, verbose_name="title")),
                (
                    "source",
                    models.CharField(
                        blank=True,
                        help_text="The funder of a grant, the payer of a fee or a service.",
                        max_length=255,
                        verbose_name="funder or payer",
                    ),
                ),
                (
                    "amount",
                    models.DecimalField(
                        decimal_places=0,
                        max_digits=14,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="amount (₮)",
                    ),
                ),
                (
                    "starts_on",
                    models.DateField(
                        help_text="The date received, or the start of a grant's period.", verbose_name="from"
                    ),
                ),
                (
                    "ends_on",
                    models.DateField(
                        blank=True, help_text="The end of a grant's period.", null=True, verbose_name="until"
                    ),
                ),
                ("notes", models.TextField(blank=True, verbose_name="notes")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organizations.organization",
                        verbose_name="network",
                    ),
                ),
            ],
            options={
                "verbose_name": "resource",
                "verbose_name_plural": "resources",
                "ordering": ["-starts_on", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="StrategicPlan",
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
                ("title", models.CharField(max_length=255, verbose_name="title")),
                ("summary", models.TextField(blank=True, verbose_name="summary")),
                ("starts_on", models.DateField(verbose_name="starts on")),
                ("ends_on", models.DateField(verbose_name="ends on")),
                (
                    "visibility",
                    models.CharField(
                        choices=[("public", "public"), ("members", "members only")],
                        default="members",
                        max_length=16,
                        verbose_name="visibility",
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                (
                    "group",
                    models.OneToOneField(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="strategic_plan",
                        to="engagement.group",
                        verbose_name="group that carries it out",
                    ),
                ),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="strategic_plans",
                        to="organizations.organization",
                        verbose_name="network",
                    ),
                ),
            ],
            options={
                "verbose_name": "strategic plan",
                "verbose_name_plural": "strategic plans",
                "ordering": ["-starts_on", "-pk"],
            },
        ),
        migrations.AddField(
            model_name="focusarea",
            name="plan",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="focus_areas",
                to="learning.strategicplan",
                verbose_name="strategic plan",
            ),
        ),
        migrations.CreateModel(
            name="StrategyReview",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("held_on", models.DateField(verbose_name="date")),
                ("summary", models.TextField(blank=True, verbose_name="what was reviewed")),
                ("decisions", models.TextField(help_text="One decision per line.", verbose_name="decisions")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="recorded")),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
                (
                    "plan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reviews",
                        to="learning.strategicplan",
                        verbose_name="strategic plan",
                    ),
                ),
            ],
            options={
                "verbose_name": "review",
                "verbose_name_plural": "reviews",
                "ordering": ["-held_on", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="Training",
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
                ("title", models.CharField(max_length=255, verbose_name="title")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("sac101", "SAc 101 orientation"),
                            ("tool", "tool training"),
                            ("mentoring", "mentoring"),
                            ("exchange", "exchange visit"),
                            ("workshop", "workshop"),
                        ],
                        default="workshop",
                        max_length=16,
                        verbose_name="type",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("planned", "planned"), ("held", "held"), ("cancelled", "cancelled")],
                        default="planned",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                ("description", models.TextField(blank=True, verbose_name="description")),
                (
                    "trainers",
                    models.CharField(
                        blank=True, help_text="Names, separated by commas.", max_length=500, verbose_name="trainers"
                    ),
                ),
                ("is_online", models.BooleanField(default=False, verbose_name="online")),
                ("venue", models.CharField(blank=True, max_length=255, verbose_name="place")),
                ("starts_on", models.DateField(verbose_name="starts on")),
                ("ends_on", models.DateField(verbose_name="ends on")),
                (
                    "max_score",
                    models.PositiveSmallIntegerField(
                        default=100,
                        help_text="Pre- and post-test scores are between 0 and this number.",
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(1000),
                        ],
                        verbose_name="highest test score",
                    ),
                ),
                ("is_public", models.BooleanField(default=True, verbose_name="public")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                (
                    "aimag",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="places.adminunit",
                        verbose_name="aimag or capital",
                    ),
                ),
                (
                    "competencies",
                    models.ManyToManyField(
                        blank=True,
                        related_name="trainings",
                        to="learning.competency",
                        verbose_name="competencies addressed",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "organiser",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="learning_trainings",
                        to="organizations.organization",
                        verbose_name="organiser",
                    ),
                ),
            ],
            options={
                "verbose_name": "training",
                "verbose_name_plural": "trainings",
                "ordering": ["-starts_on", "-pk"],
            },
        ),
        migrations.AddField(
            model_name="participation",
            name="training",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="participations",
                to="learning.training",
                verbose_name="training",
            ),
        ),
        migrations.AddField(
            model_name="libraryitem",
            name="training",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="library_items",
                to="learning.training",
                verbose_name="training",
            ),
        ),
        migrations.CreateModel(
            name="TrainingSession",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(blank=True, max_length=255, verbose_name="title")),
                ("held_on", models.DateField(verbose_name="date")),
                ("starts_at", models.TimeField(blank=True, null=True, verbose_name="starts at")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                (
                    "training",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sessions",
                        to="learning.training",
                        verbose_name="training",
                    ),
                ),
            ],
            options={
                "verbose_name": "session",
                "verbose_name_plural": "sessions",
                "ordering": ["training", "held_on", "order", "pk"],
            },
        ),
        migrations.CreateModel(
            name="SessionAttendance",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "participation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attendances",
                        to="learning.participation",
                        verbose_name="participation",
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attendances",
                        to="learning.trainingsession",
                        verbose_name="session",
                    ),
                ),
            ],
            options={
                "verbose_name": "session attendance",
                "verbose_name_plural": "session attendances",
            },
        ),
        migrations.AddConstraint(
            model_name="libraryversion",
            constraint=models.UniqueConstraint(fields=("item", "number"), name="learning_library_version_once"),
        ),
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(fields=["answered_on", "changed_practice"], name="learning_followup_period"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                condition=models.Q(("phone", ""), _negated=True), fields=["phone"], name="learning_person_phone"
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                condition=models.Q(("email", ""), _negated=True), fields=["email"], name="learning_person_email"
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["name_key"], name="learning_person_namekey"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["first_trained_on", "sex", "age_group"], name="learning_person_trained"),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("consents_to_sensitive", True),
                    models.Q(("marginalised_group", ""), ("has_disability__isnull", True)),
                    _connector="OR",
                ),
                name="learning_person_sensitive_needs_consent",
            ),
        ),
        migrations.AddIndex(
            model_name="resource",
            index=models.Index(fields=["network", "starts_on"], name="learning_resource_year"),
        ),
        migrations.AddConstraint(
            model_name="resource",
            constraint=models.CheckConstraint(condition=models.Q(("amount__gte", 0)), name="learning_resource_amount"),
        ),
        migrations.AddConstraint(
            model_name="resource",
            constraint=models.CheckConstraint(
                condition=models.Q(("ends_on__isnull", True), ("ends_on__gte", models.F("starts_on")), _connector="OR"),
                name="learning_resource_period",
            ),
        ),
        migrations.AddConstraint(
            model_name="strategicplan",
            constraint=models.CheckConstraint(
                condition=models.Q(("ends_on__gt", models.F("starts_on"))), name="learning_plan_dates"
            ),
        ),
        migrations.AddIndex(
            model_name="training",
            index=models.Index(fields=["status", "starts_on"], name="learning_training_status"),
        ),
        migrations.AddConstraint(
            model_name="training",
            constraint=models.CheckConstraint(
                condition=models.Q(("ends_on__gte", models.F("starts_on"))), name="learning_training_dates"
            ),
        ),
        migrations.AddIndex(
            model_name="participation",
            index=models.Index(
                condition=models.Q(("sessions_attended__gt", 0)),
                fields=["held_on", "person"],
                name="learning_part_period",
            ),
        ),
        migrations.AddIndex(
            model_name="participation",
            index=models.Index(fields=["person", "held_on"], name="learning_part_person"),
        ),
        migrations.AddConstraint(
            model_name="participation",
            constraint=models.UniqueConstraint(fields=("training", "person"), name="learning_participation_once"),
        ),
        migrations.AddIndex(
            model_name="libraryitem",
            index=models.Index(fields=["kind", "-updated_at"], name="learning_library_kind"),
        ),
        migrations.AddIndex(
            model_name="libraryitem",
            index=models.Index(fields=["status", "updated_at"], name="learning_library_status"),
        ),
        migrations.AddConstraint(
            model_name="sessionattendance",
            constraint=models.UniqueConstraint(fields=("session", "participation"), name="learning_attendance_once"),
        ),
    ]
