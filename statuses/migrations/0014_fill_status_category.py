# Fill status_category from category, and mark the shipped statuses: one default per
# category (docs/contracts/zendesk.md, "Seed rows"). New and On-hold are added, or an
# existing status of that name (name_key) is taken over.

from django.db import migrations

from core.text import name_key

# category -> the status category it is canonically (a Libredesk create maps the same way).
STATUS_CATEGORY_OF = {"open": "open", "waiting": "pending", "resolved": "solved"}
CATEGORY_OF = {"new": "open", "open": "open", "pending": "waiting", "hold": "waiting",
               "solved": "resolved"}  # fmt: skip

# (name, status category, category default). All are protected built-ins (is_default).
SEED = [
    ("New", "new", True),
    ("Open", "open", True),
    ("Snoozed", "pending", True),
    ("On-hold", "hold", True),
    ("Resolved", "solved", True),
    ("Closed", "solved", False),
]
ADDED = ("New", "On-hold")  # the two 0002 did not ship


def fill(apps, schema_editor):
    for model_name in ("ConversationStatus", "HistoricalConversationStatus"):
        model = apps.get_model("statuses", model_name)
        for category, status_category in STATUS_CATEGORY_OF.items():
            model.objects.filter(category=category).update(status_category=status_category)
    ConversationStatus = apps.get_model("statuses", "ConversationStatus")
    for name, status_category, category_default in SEED:
        status = ConversationStatus.objects.filter(name_key=name_key(name)).first()
        if status is None:
            status = ConversationStatus(name=name, name_key=name_key(name))
        status.status_category = status_category
        status.category = CATEGORY_OF[status_category]
        status.is_default = True
        status.is_category_default = category_default
        status.active = True
        status.save()


def unfill(apps, schema_editor):
    # status_category and the flag go with 0013's columns. New and On-hold stay, as
    # ordinary statuses: this cannot tell a row it made from one it took over, and a
    # status with history is not deleted by a schema step.
    ConversationStatus = apps.get_model("statuses", "ConversationStatus")
    ConversationStatus.objects.filter(
        name_key__in=[name_key(name) for name in ADDED], is_default=True
    ).update(is_default=False)
    ConversationStatus.objects.update(is_category_default=False)


class Migration(migrations.Migration):
    dependencies = [("statuses", "0013_status_category_fields")]

    operations = [migrations.RunPython(fill, unfill)]
