from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("results", "0003_performance")]

    operations = []
