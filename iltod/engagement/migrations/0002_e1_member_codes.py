"""Group members get an opaque public code, so their pages are not addressed by integer ids."""

from django.db import migrations, models

import iltod.places.models


def give_codes(apps, schema_editor):
    GroupMember = apps.get_model("engagement", "GroupMember")
    for member in GroupMember.objects.filter(code__isnull=True).only("pk"):
        member.code = iltod.places.models.new_public_code()
        member.save(update_fields=["code"])


class Migration(migrations.Migration):
    dependencies = [("engagement", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="groupmember",
            name="code",
            field=models.CharField(editable=False, max_length=12, null=True, verbose_name="public code"),
        ),
        migrations.RunPython(give_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="groupmember",
            name="code",
            field=models.CharField(
                default=iltod.places.models.new_public_code,
                editable=False,
                max_length=12,
                unique=True,
                verbose_name="public code",
            ),
        ),
    ]
