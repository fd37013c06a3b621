from django.db import migrations, models
from django.db.models import Case, F, OuterRef, Q, Subquery, When
from django.utils import timezone


def fill_stored_ranking(apps, schema_editor):
    """Rankings computed before these columns: their time and each body's change since the
    framework's previous period, as ``compute_ranking`` now writes them."""
    Period = apps.get_model("results", "Period")
    RankingEntry = apps.get_model("results", "RankingEntry")
    now = timezone.now()
    for period in Period.objects.filter(ranking__isnull=False).distinct():
        period.ranked_at = now
        period.save(update_fields=["ranked_at"])
        previous = (
            Period.objects.filter(framework_id=period.framework_id, start__lt=period.start).order_by("-start").first()
        )
        if previous is None:
            continue
        before = RankingEntry.objects.filter(
            period=previous, body_kind=OuterRef("body_kind"), body_code=OuterRef("body_code"), rank__isnull=False
        ).values("score")[:1]
        RankingEntry.objects.filter(period=period).update(
            improvement=Case(When(rank__isnull=False, then=F("score") - Subquery(before)), default=None)
        )


class Migration(migrations.Migration):
    dependencies = [("results", "0002_framework_ranking_subscriptions")]

    operations = [
        migrations.AddField(
            model_name="period",
            name="ranked_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="ranking computed"),
        ),
        migrations.AddField(
            model_name="rankingentry",
            name="improvement",
            field=models.DecimalField(
                decimal_places=1, max_digits=5, null=True, verbose_name="change since the previous period"
            ),
        ),
        migrations.AddIndex(
            model_name="rankingentry",
            index=models.Index(fields=["period", "body_kind", "aimag", "rank"], name="results_ranking_aimag"),
        ),
        migrations.AddIndex(
            model_name="rankingentry",
            index=models.Index(fields=["period", "body_kind", "sector", "rank"], name="results_ranking_sector"),
        ),
        migrations.AddIndex(
            model_name="rankingentry",
            index=models.Index(
                condition=Q(improvement__gt=0),
                fields=["period", "body_kind", "-improvement"],
                name="results_ranking_improved",
            ),
        ),
        migrations.RunPython(fill_stored_ranking, migrations.RunPython.noop),
    ]
