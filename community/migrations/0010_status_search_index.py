"""A GIN index on the full-text vector of a status's text and action, on PostgreSQL only.

`community.services.status_search_vector()` is the same expression; a search uses the index
only while the two stay identical (tests/community/test_search.py checks the plan). Other
databases search with `icontains` and get no index.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

# fastupdate off: a new post goes into the index at once, not into a pending list that
# every search must read through until a VACUUM (a bulk load left searches 5 times slower).
INDEX = GinIndex(
    SearchVector("plain_text", "action", config="simple"),
    name="community_status_search",
    fastupdate=False,
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("community", "Status"), INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("community", "Status"), INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0009_tag_color_blank_means_default"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
