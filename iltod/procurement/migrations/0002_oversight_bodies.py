from django.db import migrations

BODIES = [
    ("Сангийн яамны Төрийн худалдан авах ажиллагааны бодлогын газар", 1),
    ("Үндэсний аудитын газар", 2),
    ("Авлигатай тэмцэх газар", 3),
]


def add_bodies(apps, schema_editor):
    OversightBody = apps.get_model("procurement", "OversightBody")
    for name, order in BODIES:
        OversightBody.objects.get_or_create(name=name, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [("procurement", "0001_initial")]
    operations = [migrations.RunPython(add_bodies, migrations.RunPython.noop)]
