# The unique name becomes a stored key (core.text.name_key) instead of Lower("name"):
# 0005 adds the column, 0006 fills it (renaming duplicates), 0007 adds the constraints.

from django.db import migrations, models


def key_field():
    return models.CharField(
        blank=True,
        editable=False,
        help_text="The name as compared for uniqueness (core.text.name_key).",
        max_length=400,
        verbose_name="name key",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("statuses", "0004_historicalconversationstatus_historicaluserstatus"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="conversationstatus",
            name="conversationstatus_name_ci_unique",
        ),
        migrations.RemoveConstraint(
            model_name="userstatus",
            name="userstatus_name_ci_unique",
        ),
        migrations.AddField(
            model_name="conversationstatus", name="name_key", field=key_field()
        ),
        migrations.AddField(
            model_name="historicalconversationstatus", name="name_key", field=key_field()
        ),
        migrations.AddField(model_name="userstatus", name="name_key", field=key_field()),
        migrations.AddField(
            model_name="historicaluserstatus", name="name_key", field=key_field()
        ),
    ]
