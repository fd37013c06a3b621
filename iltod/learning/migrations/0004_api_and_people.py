import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def copy_texts_to_mongolian(apps, schema_editor):
    """The plan's texts so far were Mongolian: they become the Mongolian translations."""
    for model, names in (("StrategicPlan", ("title", "summary")), ("FocusArea", ("title", "description")),
                         ("Objective", ("title", "description"))):  # fmt: skip
        Model = apps.get_model("learning", model)
        Model.objects.update(**{f"{name}_mn": models.F(name) for name in names})


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0003_trainings_plan_library"),
        ("places", "0004_facility_search_by_kind"),
    ]

    operations = [
        migrations.AlterField(
            model_name="assessment",
            name="source",
            field=models.CharField(
                choices=[
                    ("web", "on the site"),
                    ("paper", "paper form"),
                    ("kobo", "KoBo or ODK"),
                    ("api", "through the API"),
                ],
                default="web",
                max_length=8,
                verbose_name="entered",
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="soum",
            field=models.ForeignKey(
                blank=True,
                help_text="Optional: a soum of the aimag, or a district of the capital.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="places.adminunit",
                verbose_name="soum or district",
            ),
        ),
        migrations.AddField(
            model_name="focusarea",
            name="description_en",
            field=models.TextField(blank=True, null=True, verbose_name="description"),
        ),
        migrations.AddField(
            model_name="focusarea",
            name="description_mn",
            field=models.TextField(blank=True, null=True, verbose_name="description"),
        ),
        migrations.AddField(
            model_name="focusarea",
            name="title_en",
            field=models.CharField(max_length=255, null=True, verbose_name="focus area"),
        ),
        migrations.AddField(
            model_name="focusarea",
            name="title_mn",
            field=models.CharField(max_length=255, null=True, verbose_name="focus area"),
        ),
        migrations.AddField(
            model_name="objective",
            name="description_en",
            field=models.TextField(blank=True, null=True, verbose_name="description"),
        ),
        migrations.AddField(
            model_name="objective",
            name="description_mn",
            field=models.TextField(blank=True, null=True, verbose_name="description"),
        ),
        migrations.AddField(
            model_name="objective",
            name="title_en",
            field=models.CharField(max_length=255, null=True, verbose_name="objective"),
        ),
        migrations.AddField(
            model_name="objective",
            name="title_mn",
            field=models.CharField(max_length=255, null=True, verbose_name="objective"),
        ),
        migrations.AddField(
            model_name="strategicplan",
            name="summary_en",
            field=models.TextField(blank=True, null=True, verbose_name="summary"),
        ),
        migrations.AddField(
            model_name="strategicplan",
            name="summary_mn",
            field=models.TextField(blank=True, null=True, verbose_name="summary"),
        ),
        migrations.AddField(
            model_name="strategicplan",
            name="title_en",
            field=models.CharField(max_length=255, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="strategicplan",
            name="title_mn",
            field=models.CharField(max_length=255, null=True, verbose_name="title"),
        ),
        migrations.RunPython(copy_texts_to_mongolian, migrations.RunPython.noop),
        migrations.AddField(
            model_name="roundinvitee",
            name="assessment",
            field=models.OneToOneField(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="invitation",
                to="learning.assessment",
                verbose_name="answers",
            ),
        ),
        migrations.AddField(
            model_name="roundinvitee",
            name="invited_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="invited"),
        ),
        migrations.AddField(
            model_name="roundinvitee",
            name="token",
            field=models.CharField(blank=True, editable=False, max_length=32, null=True, unique=True),
        ),
    ]
