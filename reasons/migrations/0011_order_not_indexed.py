from django.db import migrations


def fillfactor(value):
    """Room on each page for the new versions of shifted rows, so that moving an account's
    reasons down a place stays a heap-only update (PostgreSQL; SQLite has no such setting)."""

    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            setting = f"SET (fillfactor = {value})" if value else "RESET (fillfactor)"
            schema_editor.execute(f"ALTER TABLE reasons_statusreason {setting}")

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("reasons", "0010_last_used_at"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="statusreason",
            name="reason_account_order",
        ),
        migrations.RunPython(fillfactor(50), fillfactor(None), elidable=False),
    ]
