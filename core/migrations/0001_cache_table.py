"""The database cache's table, so that rate limits are shared by every process out of the box.

`createcachetable` creates the tables of every database cache in CACHES and does nothing
for other backends (Redis), so this is safe whatever CACHE_URL says; it is also idempotent.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
