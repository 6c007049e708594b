"""LivePerson's Login Service session: a csrf and a `Session_id` cookie next to the bearer
(hashes only), and `refreshed_at`, from which the session's lifetime runs. Existing
sessions keep the lifetime they had: `refreshed_at` starts as their `created_at`."""

import django.utils.timezone
from django.db import migrations, models


def refreshed_at_from_created_at(apps, schema_editor):
    AccountBearer = apps.get_model("reasons", "AccountBearer")
    AccountBearer.objects.using(schema_editor.connection.alias).update(
        refreshed_at=models.F("created_at")
    )


class Migration(migrations.Migration):
    dependencies = [("reasons", "0007_accountbearer")]

    operations = [
        migrations.AddField(
            model_name="accountbearer",
            name="csrf_hash",
            field=models.CharField(
                blank=True, editable=False, max_length=64, verbose_name="csrf hash"
            ),
        ),
        migrations.AddField(
            model_name="accountbearer",
            name="session_hash",
            field=models.CharField(
                editable=False,
                max_length=64,
                null=True,
                unique=True,
                verbose_name="session id hash",
            ),
        ),
        migrations.AddField(
            model_name="accountbearer",
            name="refreshed_at",
            field=models.DateTimeField(
                db_index=True,
                default=django.utils.timezone.now,
                editable=False,
                verbose_name="refreshed at",
            ),
        ),
        migrations.RunPython(refreshed_at_from_created_at, migrations.RunPython.noop),
    ]
