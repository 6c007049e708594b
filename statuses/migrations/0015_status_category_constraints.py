# One default per category, category derived from status_category, defaults active.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("statuses", "0014_fill_status_category")]

    operations = [
        migrations.AddConstraint(
            model_name="conversationstatus",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("category", "open"), ("status_category", "new")),
                    models.Q(("category", "open"), ("status_category", "open")),
                    models.Q(("category", "waiting"), ("status_category", "pending")),
                    models.Q(("category", "waiting"), ("status_category", "hold")),
                    models.Q(("category", "resolved"), ("status_category", "solved")),
                    _connector="OR",
                ),
                name="conversationstatus_category_derived",
            ),
        ),
        migrations.AddConstraint(
            model_name="conversationstatus",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_category_default", True)),
                fields=("status_category",),
                name="conversationstatus_one_category_default",
                violation_error_message="This category already has a default status.",
            ),
        ),
        migrations.AddConstraint(
            model_name="conversationstatus",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("is_category_default", False), ("active", True), _connector="OR"
                ),
                name="conversationstatus_category_default_active",
                violation_error_message="A default status must be active.",
            ),
        ),
    ]
