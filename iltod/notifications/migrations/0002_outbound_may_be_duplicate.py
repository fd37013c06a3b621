from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundmessage",
            name="may_be_duplicate",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "A worker stopped while sending this message, so it was sent again with the same message id; "
                    "the receiving server can use the id to drop the copy."
                ),
                verbose_name="may have been delivered twice",
            ),
        ),
    ]
