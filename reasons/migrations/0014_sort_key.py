# Positions become ranks (issue 26): each reason gets a sort key, and an account's live
# reasons are listed, and numbered 1..N, in the order of their keys (then ids). A write no
# longer renumbers the other reasons (reasons.services, "Sort keys"). Every row, and every
# history row, takes its `order` times 2**20 as its key: the live reasons, numbered 1..N by
# the services, keep their order and get keys 2**20 apart; a deleted reason keeps its
# `order` (the position it goes back to) and sits among the live ones as it did.
#
# Backwards: `order` is the position again, so the live reasons of each account are
# renumbered 1..N in the order of their keys (the positions the API showed).

from django.db import migrations, models
from django.db.models import F

import reasons.models

GAP = 2**20


def fill_keys(apps, schema_editor):
    for name in ("StatusReason", "HistoricalStatusReason"):
        apps.get_model("reasons", name).objects.update(sort_key=F("order") * GAP)


def positions_back(apps, schema_editor):
    Account = apps.get_model("reasons", "Account")
    StatusReason = apps.get_model("reasons", "StatusReason")
    for account_id in Account.objects.order_by("pk").values_list("pk", flat=True):
        rows = StatusReason.objects.filter(account_id=account_id, deleted=False).order_by(
            "sort_key", "id"
        )
        changed = [
            StatusReason(id=pk, order=position)
            for position, (pk, order) in enumerate(rows.values_list("id", "order"), start=1)
            if order != position
        ]
        StatusReason.objects.bulk_update(changed, ["order"], batch_size=500)


def sort_key_field(default=None):
    kwargs = {"default": default} if default is not None else {}
    return reasons.models.SortKeyField(
        editable=False,
        help_text="Orders the account's live reasons (then their id); positions count them.",
        verbose_name="sort key",
        **kwargs,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reasons", "0013_history_source"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalstatusreason",
            name="sort_key",
            field=sort_key_field(default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="statusreason",
            name="sort_key",
            field=sort_key_field(default=0),
            preserve_default=False,
        ),
        migrations.RunPython(fill_keys, positions_back, elidable=False),
        migrations.AddIndex(
            model_name="statusreason",
            index=models.Index(
                fields=["account", "deleted", "sort_key", "id"], name="reason_sort_key"
            ),
        ),
        migrations.AlterModelOptions(
            name="statusreason",
            options={
                "ordering": ["account_id", "sort_key", "id"],
                "verbose_name": "status reason",
                "verbose_name_plural": "status reasons",
            },
        ),
    ]
