"""The LivePerson bearer model, taken over from `access` (access 0004 let it go): the
table `access_accountbearer` and its rows stay where they are. On a database where the
model was already in use, its content type (and so its permissions and admin log
entries) moves along with it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor, *, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    if not types.filter(app_label=target, model="accountbearer").exists():
        types.filter(app_label=source, model="accountbearer").update(app_label=target)


def forwards(apps, schema_editor):
    move_content_type(apps, schema_editor, source="access", target="reasons")


def backwards(apps, schema_editor):
    move_content_type(apps, schema_editor, source="reasons", target="access")


class Migration(migrations.Migration):
    dependencies = [
        ("reasons", "0006_reason_field_rules"),
        ("access", "0004_accountbearer_moved_to_reasons"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AccountBearer",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "token_hash",
                            models.CharField(
                                editable=False,
                                max_length=64,
                                unique=True,
                                verbose_name="token hash",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                auto_now_add=True, db_index=True, verbose_name="created at"
                            ),
                        ),
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="bearers",
                                to="reasons.account",
                                verbose_name="account",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="account_bearers",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="user",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "LivePerson bearer",
                        "verbose_name_plural": "LivePerson bearers",
                        "db_table": "access_accountbearer",
                        "ordering": ["-created_at"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
