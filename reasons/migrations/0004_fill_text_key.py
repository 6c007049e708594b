# Fill text_key for existing reasons; live reasons of one account that share a key are
# renamed "Text (2)", "Text (3)", ... (policy: core/name_key_fill.py, docs/names.md).
# Soft-deleted reasons keep their text: only live ones must be unique.

from django.db import migrations

from core.name_key_fill import fill_name_keys


def fill(apps, schema_editor):
    fill_name_keys(
        apps.get_model("reasons", "StatusReason"),
        source="text",
        key="text_key",
        scope=("account_id",),
        live=lambda reason: not reason.deleted,
        order_by=("id",),
        history_model=apps.get_model("reasons", "HistoricalStatusReason"),
    )


class Migration(migrations.Migration):
    dependencies = [("reasons", "0003_text_key")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
