from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0004_budgets_projects")]

    operations = []
