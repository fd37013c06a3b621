import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("procurement", "0002_oversight_bodies")]

    operations = [
        migrations.CreateModel(
            name="SkippedCheck",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            ("lots", "Several lots: more than one active award"),
                            ("consortium", "A bid by several tenderers (a consortium)"),
                            ("multiple_suppliers", "An award to several suppliers"),
                            ("currency", "Amounts in another currency than the main one"),
                        ],
                        max_length=24,
                        verbose_name="reason",
                    ),
                ),
                ("codes", models.JSONField(blank=True, default=list, verbose_name="indicators not checked")),
                (
                    "process",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="skipped_checks",
                        to="procurement.contractingprocess",
                    ),
                ),
            ],
            options={
                "verbose_name": "process not checked",
                "verbose_name_plural": "processes not checked",
                "indexes": [models.Index(fields=["reason", "process"], name="procurement_skipped_reason")],
                "constraints": [models.UniqueConstraint(fields=("process", "reason"), name="procurement_skipped_once")],
            },
        ),
    ]
