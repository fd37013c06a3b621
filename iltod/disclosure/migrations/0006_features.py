from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0005_performance")]

    operations = [
        migrations.AddField(
            model_name="valuecheck",
            name="external_id",
            field=models.CharField(
                blank=True,
                help_text="The KoBoToolbox or ODK submission this check came from (its uuid).",
                max_length=128,
                verbose_name="id in the source channel",
            ),
        ),
        migrations.AddConstraint(
            model_name="valuecheck",
            constraint=models.UniqueConstraint(
                condition=models.Q(("external_id", ""), _negated=True),
                fields=("external_id", "value"),
                name="valuecheck_one_per_submission",
            ),
        ),
    ]
