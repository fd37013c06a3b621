from django.db import migrations

SECTORS = [
    ("health", "Эрүүл мэнд", "Health", 1),
    ("education", "Боловсрол", "Education", 2),
    ("other", "Бусад", "Other", 9),
]


def add_sectors(apps, schema_editor):
    Sector = apps.get_model("places", "Sector")
    for code, name_mn, name_en, order in SECTORS:
        Sector.objects.get_or_create(
            code=code, defaults={"name": name_mn, "name_mn": name_mn, "name_en": name_en, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("places", "0001_initial")]
    operations = [migrations.RunPython(add_sectors, migrations.RunPython.noop)]
