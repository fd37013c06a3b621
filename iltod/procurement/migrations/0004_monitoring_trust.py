import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

# The kinds of step and the case's public state they lead to (services.NEXT_STATE, frozen here).
NEXT_STATE = {
    "violation": "reported",
    "letter": "action",
    "complaint": "action",
    "result": "result",
    "closed": "closed",
}


def public_state_from_published_steps(apps, schema_editor):
    """Closing steps keep the outcome their case had; each case then shows only what its published
    steps say (until now a step changed its case before anyone moderated it)."""
    MonitoringCase = apps.get_model("procurement", "MonitoringCase")
    CaseStep = apps.get_model("procurement", "CaseStep")
    for case in MonitoringCase.objects.all().iterator():
        if case.outcome:
            CaseStep.objects.filter(case=case, kind="closed").update(outcome=case.outcome)
        latest = CaseStep.objects.filter(case=case, moderation="published").order_by("-created_at", "-pk").first()
        state = NEXT_STATE[latest.kind] if latest else "reported"
        closed = latest is not None and latest.kind == "closed"
        outcome = (latest.outcome or case.outcome) if closed else ""
        closed_at = latest.created_at if closed else None
        MonitoringCase.objects.filter(pk=case.pk).update(state=state, outcome=outcome, closed_at=closed_at)


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0003_membership_suspension_history"),
        ("procurement", "0003_skipped_processes"),
    ]

    operations = [
        migrations.AddField(
            model_name="casestep",
            name="outcome",
            field=models.CharField(
                blank=True,
                choices=[
                    ("success", "success: the violation was fixed"),
                    ("defeat", "defeat: nothing changed"),
                    ("cancelled", "cancelled"),
                ],
                max_length=12,
                verbose_name="outcome",
            ),
        ),
        migrations.CreateModel(
            name="MonitoringNetwork",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                (
                    "network",
                    models.OneToOneField(
                        limit_choices_to={"kind": "network"},
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="organizations.organization",
                        verbose_name="network",
                    ),
                ),
            ],
            options={
                "verbose_name": "procurement-monitoring network",
                "verbose_name_plural": "procurement-monitoring networks",
            },
        ),
        migrations.RunPython(public_state_from_published_steps, migrations.RunPython.noop),
    ]
