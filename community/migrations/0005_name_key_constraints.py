from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("community", "0004_fill_name_key")]

    operations = [
        migrations.AddConstraint(
            model_name="category",
            constraint=models.UniqueConstraint(
                fields=("name_key",),
                name="community_category_name_key_unique",
                violation_error_message="A category with this name already exists.",
            ),
        ),
        migrations.AddConstraint(
            model_name="category",
            constraint=models.CheckConstraint(
                condition=models.Q(("name_key", ""), _negated=True),
                name="community_category_name_key_not_blank",
                violation_error_message="The name needs at least one visible character.",
            ),
        ),
        migrations.AddConstraint(
            model_name="tag",
            constraint=models.UniqueConstraint(
                fields=("name_key", "type"),
                name="community_tag_name_key_type_unique",
                violation_error_message="A tag with this name and type already exists.",
            ),
        ),
        migrations.AddConstraint(
            model_name="tag",
            constraint=models.CheckConstraint(
                condition=models.Q(("name_key", ""), _negated=True),
                name="community_tag_name_key_not_blank",
                violation_error_message="The name needs at least one visible character.",
            ),
        ),
    ]
