from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("results", "0002_framework_ranking_subscriptions")]

    operations = []
