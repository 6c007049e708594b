"""The status lists' indexes as partial ones over the posts they show (`NOT deleted`), each
ending with the id, the orderings' tie-break: SQLite sorted every post for a page with
`deleted` as the first column; PostgreSQL no longer sorts the ties (issue 26)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0014_history_source"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="status",
            name="community_status_added",
        ),
        migrations.RemoveIndex(
            model_name="status",
            name="community_status_activity",
        ),
        migrations.AddIndex(
            model_name="status",
            index=models.Index(
                condition=models.Q(("deleted", False)),
                fields=["-added_at", "-id"],
                name="community_status_live_added",
            ),
        ),
        migrations.AddIndex(
            model_name="status",
            index=models.Index(
                condition=models.Q(("deleted", False)),
                fields=["-last_activity_at", "-id"],
                name="community_status_live_activity",
            ),
        ),
    ]
