from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("learning", "0001_initial")]
    operations: list = []
