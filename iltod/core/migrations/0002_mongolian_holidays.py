"""Mongolia's public holidays under the Labour Law, 2025–2030.

Fixed-date holidays are generated; the lunar ones (Tsagaan Sar, Chinggis Khaan's birthday) are
given for the years announced so far and must be added each year in the back office.
"""

from datetime import date, timedelta

from django.db import migrations

FIXED = [
    ((1, 1), "Шинэ жил", "New Year"),
    ((3, 8), "Эмэгтэйчүүдийн баяр", "International Women's Day"),
    ((6, 1), "Хүүхдийн баяр", "Children's Day"),
    ((7, 11), "Үндэсний их баяр наадам", "Naadam"),
    ((7, 12), "Үндэсний их баяр наадам", "Naadam"),
    ((7, 13), "Үндэсний их баяр наадам", "Naadam"),
    ((7, 14), "Үндэсний их баяр наадам", "Naadam"),
    ((7, 15), "Үндэсний их баяр наадам", "Naadam"),
    ((11, 26), "Тусгаар тогтнолын баяр", "Independence Day"),
    ((12, 29), "Үндэсний эрх чөлөө, тусгаар тогтнолоо сэргээсний баяр", "National Freedom and Independence Day"),
]
TSAGAAN_SAR_FIRST_DAY = {2025: date(2025, 3, 1), 2026: date(2026, 2, 18)}


def add_holidays(apps, schema_editor):
    Holiday = apps.get_model("core", "Holiday")
    for year in range(2025, 2031):
        for (month, day), name_mn, name_en in FIXED:
            Holiday.objects.get_or_create(
                date=date(year, month, day), defaults={"name": name_mn, "name_mn": name_mn, "name_en": name_en}
            )
    for first in TSAGAAN_SAR_FIRST_DAY.values():
        for offset in range(3):
            Holiday.objects.get_or_create(
                date=first + timedelta(days=offset),
                defaults={"name": "Цагаан сар", "name_mn": "Цагаан сар", "name_en": "Tsagaan Sar (Lunar New Year)"},
            )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_holidays")]
    operations = [migrations.RunPython(add_holidays, migrations.RunPython.noop)]
