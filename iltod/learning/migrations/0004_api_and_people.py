from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("learning", "0003_trainings_plan_library")]

    operations = []
