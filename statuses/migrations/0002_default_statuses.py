from django.db import migrations
from django.db.models.functions import Lower

DEFAULT_STATUSES = [
    ("Open", "open"),
    ("Snoozed", "waiting"),
    ("Resolved", "resolved"),
    ("Closed", "resolved"),
]


def create_defaults(apps, schema_editor):
    ConversationStatus = apps.get_model("statuses", "ConversationStatus")
    for name, category in DEFAULT_STATUSES:
        existing = (
            ConversationStatus.objects.annotate(lname=Lower("name"))
            .filter(lname=name.lower())
            .first()
        )
        if existing:
            existing.is_default = True
            existing.save(update_fields=["is_default"])
        else:
            ConversationStatus.objects.create(name=name, category=category, is_default=True)


def remove_defaults(apps, schema_editor):
    ConversationStatus = apps.get_model("statuses", "ConversationStatus")
    ConversationStatus.objects.filter(is_default=True).delete()


class Migration(migrations.Migration):
    dependencies = [("statuses", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
