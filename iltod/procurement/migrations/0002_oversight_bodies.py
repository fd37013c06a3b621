from django.db import migrations

BODIES = [
    ("Сангийн яамны Төрийн худалдан авах ажиллагааны бодлогын газар", "Procurement Policy Department, Ministry of Finance", 1),
    ("Үндэсний аудитын газар", "National Audit Office", 2),
    ("Авлигатай тэмцэх газар", "Independent Agency Against Corruption", 3),
]


def add_bodies(apps, schema_editor):
    OversightBody = apps.get_model("procurement", "OversightBody")
    for name_mn, name_en, order in BODIES:
        OversightBody.objects.get_or_create(
            name=name_mn, defaults={"name_mn": name_mn, "name_en": name_en, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("procurement", "0001_initial")]
    operations = [migrations.RunPython(add_bodies, migrations.RunPython.noop)]
