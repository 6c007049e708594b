from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reasons", "0004_fill_text_key")]

    operations = [
        migrations.AddConstraint(
            model_name="statusreason",
            constraint=models.UniqueConstraint(
                condition=models.Q(("deleted", False)),
                fields=("account", "text_key"),
                name="reason_text_key_unique_live",
                violation_error_message="This account already has a status reason with this text.",
            ),
        ),
        migrations.AddConstraint(
            model_name="statusreason",
            constraint=models.CheckConstraint(
                condition=models.Q(("text_key", ""), _negated=True),
                name="reason_text_key_not_blank",
                violation_error_message="The text needs at least one visible character.",
            ),
        ),
    ]
