from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("procurement", "0004_skipped_processes")]

    operations = []
