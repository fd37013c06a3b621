"""Events public before ``published_at`` existed were published when they were written: their
publication time is their creation time (the Open311 updates feed reads them by it)."""

from django.db import migrations
from django.db.models import F


def fill_published_at(apps, schema_editor):
    Event = apps.get_model("feedback", "Event")
    Event.objects.filter(is_public=True, moderation="published", published_at__isnull=True).update(
        published_at=F("created_at")
    )


class Migration(migrations.Migration):
    dependencies = [("feedback", "0009_follows_and_published_events")]

    operations = [migrations.RunPython(fill_published_at, migrations.RunPython.noop)]
