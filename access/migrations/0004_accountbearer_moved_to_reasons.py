"""The LivePerson bearer model moved to the `reasons` app, next to the accounts it belongs
to (reasons 0007 takes it over). Only Django's idea of which app owns the model changes:
the table `access_accountbearer` and its rows stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0003_accountbearer"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AccountBearer")],
            database_operations=[],
        ),
    ]
