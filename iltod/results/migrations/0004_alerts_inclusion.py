import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("results", "0003_performance")]

    operations = [
        migrations.AddField(
            model_name="subscription",
            name="confirmation_attempts",
            field=models.PositiveSmallIntegerField(default=0, editable=False),
        ),
        migrations.CreateModel(
            name="BuyerNotice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("buyer_code", models.CharField(max_length=32, verbose_name="buyer")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("process", "new contracting process"),
                            ("flag", "new red flag"),
                            ("result", "monitoring case result published"),
                        ],
                        max_length=8,
                        verbose_name="kind",
                    ),
                ),
                ("key", models.CharField(max_length=200)),
                ("process_code", models.CharField(max_length=12)),
                ("detail", models.CharField(blank=True, max_length=12)),
                ("seen_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="seen")),
            ],
            options={
                "verbose_name": "procurement buyer notice",
                "verbose_name_plural": "procurement buyer notices",
                "indexes": [models.Index(fields=["buyer_code", "seen_at"], name="results_buyer_notice_seen")],
                "constraints": [
                    models.UniqueConstraint(fields=("buyer_code", "kind", "key"), name="results_buyer_notice_once")
                ],
            },
        ),
    ]
