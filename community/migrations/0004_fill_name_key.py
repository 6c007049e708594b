# Fill name_key for existing categories and tags; duplicates under the new comparison
# are renamed "Name (2)", "Name (3)", ... (policy: core/name_key_fill.py, docs/names.md).
# Tags are unique per type, so a tag is compared with the tags of its own type only.

from django.db import migrations

from core.name_key_fill import fill_name_keys


def fill(apps, schema_editor):
    fill_name_keys(
        apps.get_model("community", "Category"),
        source="name",
        key="name_key",
        order_by=("id",),
        history_model=apps.get_model("community", "HistoricalCategory"),
    )
    fill_name_keys(
        apps.get_model("community", "Tag"),
        source="name",
        key="name_key",
        scope=("type",),
        order_by=("id",),
        history_model=apps.get_model("community", "HistoricalTag"),
    )


class Migration(migrations.Migration):
    dependencies = [("community", "0003_name_key")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
