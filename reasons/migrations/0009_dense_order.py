# Orders become positions (issue 14): the live reasons of each account are renumbered 1, 2,
# ..., N in their current order (order, then id). A deleted reason gets the position of the
# live reason that came after it, which is where restoring it puts it back. An account
# whose orders change gets a new revision, as after any write to its reasons. No history
# rows are written: no reason's own fields changed, only the numbering.

import django.core.validators
from django.db import migrations, models
from django.db.models import F


def positions(rows):
    """{id: new order} for one account's (id, deleted, order) rows in (order, id) order."""
    new, live = {}, 0
    for pk, deleted, _order in rows:
        if not deleted:
            live += 1
        new[pk] = live + 1 if deleted else live
    return new


def renumber(apps, schema_editor):
    Account = apps.get_model("reasons", "Account")
    StatusReason = apps.get_model("reasons", "StatusReason")
    for account_id in Account.objects.order_by("pk").values_list("pk", flat=True):
        rows = list(
            StatusReason.objects.filter(account_id=account_id)
            .order_by("order", "id")
            .values_list("id", "deleted", "order")
        )
        new = positions(rows)
        changed = [
            StatusReason(id=pk, order=new[pk]) for pk, _deleted, order in rows if order != new[pk]
        ]
        if changed:
            StatusReason.objects.bulk_update(changed, ["order"], batch_size=500)
            Account.objects.filter(pk=account_id).update(revision=F("revision") + 1)


class Migration(migrations.Migration):
    dependencies = [
        ("reasons", "0008_accountbearer_session"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalstatusreason",
            name="order",
            field=models.IntegerField(
                default=0,
                error_messages={
                    "max_value": "order is out of range",
                    "min_value": "order is out of range",
                },
                help_text="Its place in the account's list of live reasons: 1 is the first.",
                validators=[
                    django.core.validators.MinValueValidator(-2147483648),
                    django.core.validators.MaxValueValidator(2147483647),
                ],
                verbose_name="position",
            ),
        ),
        migrations.AlterField(
            model_name="statusreason",
            name="order",
            field=models.IntegerField(
                default=0,
                error_messages={
                    "max_value": "order is out of range",
                    "min_value": "order is out of range",
                },
                help_text="Its place in the account's list of live reasons: 1 is the first.",
                validators=[
                    django.core.validators.MinValueValidator(-2147483648),
                    django.core.validators.MaxValueValidator(2147483647),
                ],
                verbose_name="position",
            ),
        ),
        migrations.RunPython(renumber, migrations.RunPython.noop),
    ]
