import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import iltod.places.models


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0002_profiles_competencies"),
        ("organizations", "0002_initial"),
        ("places", "0004_facility_search_by_kind"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
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
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="participations",
                        to="learning.person",
                        verbose_name="person",
                    ),
                ),
                (
                    "training",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="participations",
                        to="learning.training",
                        verbose_name="training",
                    ),
                ),
            ],
            options={
                "verbose_name": "participation",
                "verbose_name_plural": "participations",
                "ordering": ["training", "person__full_name", "pk"],
            },
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
                "indexes": [models.Index(fields=["answered_on", "changed_practice"], name="learning_followup_period")],
            },
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
        migrations.AddConstraint(
            model_name="sessionattendance",
            constraint=models.UniqueConstraint(fields=("session", "participation"), name="learning_attendance_once"),
        ),
    ]
