# Fill name_key for existing statuses; duplicates under the new comparison are renamed
# "Name (2)", "Name (3)", ... (policy: core/name_key_fill.py, docs/names.md).

from django.db import migrations

from core.name_key_fill import fill_name_keys


def fill(apps, schema_editor):
    fill_name_keys(
        apps.get_model("statuses", "ConversationStatus"),
        source="name",
        key="name_key",
        # The defaults keep their names: Libredesk clients know them by name.
        order_by=("-is_default", "id"),
        history_model=apps.get_model("statuses", "HistoricalConversationStatus"),
    )
    fill_name_keys(
        apps.get_model("statuses", "UserStatus"),
        source="name",
        key="name_key",
        # Ids are random; the status changed longest ago keeps its name.
        order_by=("updated_at", "id"),
        history_model=apps.get_model("statuses", "HistoricalUserStatus"),
    )


class Migration(migrations.Migration):
    dependencies = [("statuses", "0005_name_key")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
