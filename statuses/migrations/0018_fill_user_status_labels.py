# Give every custom user status its one language label, {"en-us": name}: the label of the
# canonical locale is the status's name (statuses.models.canonical_locale), and the Genesys
# wire requires at least one. Statuses that have labels already are left as they are, so the
# step can run again after a reverse.

from django.db import migrations

BATCH = 1000


def fill(apps, schema_editor):
    UserStatus = apps.get_model("statuses", "UserStatus")
    UserStatusTranslation = apps.get_model("statuses", "UserStatusTranslation")
    unlabelled = UserStatus.objects.filter(translations__isnull=True).order_by("pk")
    rows = [
        UserStatusTranslation(status_id=pk, locale="en-us", label=name)
        for pk, name in unlabelled.values_list("pk", "name")
    ]
    UserStatusTranslation.objects.bulk_create(rows, batch_size=BATCH)


def unfill(apps, schema_editor):
    # The labels go with 0017's table; a later reverse to here keeps what managers wrote.
    pass


class Migration(migrations.Migration):
    dependencies = [("statuses", "0017_userstatus_presence_labels")]

    operations = [migrations.RunPython(fill, unfill)]
