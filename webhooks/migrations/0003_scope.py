"""The LivePerson account filter becomes a scope that any domain app can register (an
account, a division); an object's events in several shapes share its sequence number."""

import django.core.validators
from django.db import migrations, models

SCOPE = models.CharField(
    blank=True,
    help_text=(
        "Only events of objects in this scope (an account, one of the owner's); empty for "
        "every scope the owner may see. Events of kinds without a scope are not filtered."
    ),
    max_length=20,
    validators=[django.core.validators.RegexValidator("^[A-Za-z0-9_]{1,20}$")],
    verbose_name="scope",
)


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0002_subscription_owner"),
    ]

    operations = [
        migrations.RenameField("subscription", "account_id", "scope"),
        migrations.RenameField("historicalsubscription", "account_id", "scope"),
        migrations.AlterField("subscription", "scope", SCOPE),
        migrations.AlterField("historicalsubscription", "scope", SCOPE),
        migrations.RenameField("event", "account_id", "scope"),
        migrations.RemoveConstraint("event", "webhooks_event_object_sequence"),
        migrations.AddConstraint(
            "event",
            models.UniqueConstraint(
                fields=["object_key", "type", "sequence"],
                name="webhooks_event_object_type_sequence",
            ),
        ),
    ]
