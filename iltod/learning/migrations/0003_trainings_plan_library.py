from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("learning", "0002_profiles_competencies")]
    operations: list = []
