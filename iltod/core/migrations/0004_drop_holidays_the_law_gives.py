"""The public holidays of the law now come from the ``holidays`` package for any year
(``iltod.lib.workdays.public_holidays``): drop the rows of them that 0002 stored, keeping what the
government declared on top (extra days off on other dates, worked weekend days)."""

from django.db import migrations

from iltod.core import memo
from iltod.lib.workdays import public_holidays


def drop_holidays_the_law_gives(apps, schema_editor):
    Holiday = apps.get_model("core", "Holiday")
    by_law = [
        row.pk
        for row in Holiday.objects.filter(kind="day_off").only("date")
        if row.date in public_holidays(row.date.year)
    ]
    Holiday.objects.filter(pk__in=by_law).delete()
    memo.changed("core.holidays")  # a data migration sends no signals the processes' copies hear


class Migration(migrations.Migration):
    dependencies = [("core", "0003_declared_days")]
    # Not reversible in content: the law's days are computed, there is nothing to put back.
    operations = [migrations.RunPython(drop_holidays_the_law_gives, migrations.RunPython.noop)]
