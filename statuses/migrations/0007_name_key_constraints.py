from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("statuses", "0006_fill_name_key")]

    operations = [
        migrations.AddConstraint(
            model_name="conversationstatus",
            constraint=models.UniqueConstraint(
                fields=("name_key",),
                name="conversationstatus_name_key_unique",
                violation_error_message="A conversation status with this name already exists.",
            ),
        ),
        migrations.AddConstraint(
            model_name="conversationstatus",
            constraint=models.CheckConstraint(
                condition=models.Q(("name_key", ""), _negated=True),
                name="conversationstatus_name_key_not_blank",
                violation_error_message="The name needs at least one visible character.",
            ),
        ),
        migrations.AddConstraint(
            model_name="userstatus",
            constraint=models.UniqueConstraint(
                fields=("name_key",),
                name="userstatus_name_key_unique",
                violation_error_message="The custom user status name is already in use.",
            ),
        ),
        migrations.AddConstraint(
            model_name="userstatus",
            constraint=models.CheckConstraint(
                condition=models.Q(("name_key", ""), _negated=True),
                name="userstatus_name_key_not_blank",
                violation_error_message="The name needs at least one visible character.",
            ),
        ),
    ]
