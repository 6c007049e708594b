# The unique name becomes a stored key (core.text.name_key) instead of Lower("name"):
# 0003 adds the column, 0004 fills it (renaming duplicates), 0005 adds the constraints.

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
    dependencies = [("community", "0002_historicalcategory_historicaltag")]

    operations = [
        migrations.RemoveConstraint(
            model_name="category",
            name="community_category_name_ci_unique",
        ),
        migrations.RemoveConstraint(
            model_name="tag",
            name="community_tag_name_type_ci_unique",
        ),
        migrations.AddField(model_name="category", name="name_key", field=key_field()),
        migrations.AddField(model_name="historicalcategory", name="name_key", field=key_field()),
        migrations.AddField(model_name="tag", name="name_key", field=key_field()),
        migrations.AddField(model_name="historicaltag", name="name_key", field=key_field()),
    ]
