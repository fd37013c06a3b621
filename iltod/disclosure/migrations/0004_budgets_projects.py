from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0003_facility_data")]
    operations: list = []
