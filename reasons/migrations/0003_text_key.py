# The unique text becomes a stored key (core.text.name_key) instead of Lower("text"):
# 0003 adds the column, 0004 fills it (renaming duplicates), 0005 adds the constraints.

from django.db import migrations, models


def key_field():
    return models.CharField(
        blank=True,
        editable=False,
        help_text="The text as compared for uniqueness (core.text.name_key).",
        max_length=400,
        verbose_name="text key",
    )


class Migration(migrations.Migration):
    dependencies = [("reasons", "0002_historicalstatusreason")]

    operations = [
        migrations.RemoveConstraint(
            model_name="statusreason",
            name="reason_text_ci_unique_live",
        ),
        migrations.AddField(model_name="statusreason", name="text_key", field=key_field()),
        migrations.AddField(
            model_name="historicalstatusreason", name="text_key", field=key_field()
        ),
    ]
