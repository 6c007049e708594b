"""The migrations that add the name keys: existing look-alike names are renamed, never a
failed migration (policy in core/name_key_fill.py and docs/names.md)."""

import itertools

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.name_key_fill import RENAME_REASON, fill_name_keys
from reasons.models import StatusReason
from statuses.models import ConversationStatus
from tests.factories import AccountFactory
from tests.names import FULLWIDTH_LUNCH

PLACEHOLDERS = itertools.count()
BEFORE = [
    ("statuses", "0005_name_key"),
    ("reasons", "0003_text_key"),
    ("community", "0003_name_key"),
]


def with_names(model, rows, source="name", key="name_key", **extra):
    """Rows whose names collide: written with placeholder keys, as before the migration."""
    objs = []
    for i, name in zip(PLACEHOLDERS, rows, strict=False):
        obj = model.objects.create(**{source: f"placeholder {i}"}, **extra)
        model.objects.filter(pk=obj.pk).update(**{source: name, key: f"\u2063old {i}"})
        objs.append(obj)
    return objs


def names(model, objs, source="name"):
    return [getattr(model.objects.get(pk=obj.pk), source) for obj in objs]


@pytest.mark.django_db
def test_later_look_alikes_are_numbered_and_unique_names_stay():
    objs = with_names(
        ConversationStatus,
        ["Ärger", "ärger", "ärger (2)", "A\u0308RGER", "Lunch", FULLWIDTH_LUNCH],
        status_category="open",
        category="open",
    )
    renamed = fill_name_keys(
        ConversationStatus,
        source="name",
        key="name_key",
        order_by=("-is_default", "id"),
        history_model=ConversationStatus.history.model,
    )
    # "ärger (2)" was already unique, so it keeps its name and the next number is used.
    assert names(ConversationStatus, objs) == [
        "Ärger",
        "ärger (3)",
        "ärger (2)",
        "A\u0308RGER (4)",
        "Lunch",
        FULLWIDTH_LUNCH + " (2)",
    ]
    assert len(renamed) == 3
    keys = list(ConversationStatus.objects.values_list("name_key", flat=True))
    assert len(keys) == len(set(keys)) and "" not in keys
    record = ConversationStatus.history.filter(id=objs[1].pk).latest("history_date")
    assert record.name == "ärger (3)" and record.history_change_reason == RENAME_REASON


@pytest.mark.django_db
def test_defaults_keep_their_names_and_long_names_are_cut_to_fit():
    objs = with_names(
        ConversationStatus,
        [
            "OPEN",
            "x" * ConversationStatus.NAME_MAX_LENGTH,
            "X" * ConversationStatus.NAME_MAX_LENGTH,
        ],
        status_category="open",
        category="open",
    )
    fill_name_keys(
        ConversationStatus, source="name", key="name_key", order_by=("-is_default", "id")
    )
    assert ConversationStatus.objects.get(name="Open").is_default
    longest = ConversationStatus.NAME_MAX_LENGTH
    assert names(ConversationStatus, objs) == [
        "OPEN (2)",
        "x" * longest,
        "X" * (longest - 4) + " (2)",
    ]


@pytest.mark.django_db
def test_invisible_names_become_unnamed():
    objs = with_names(
        ConversationStatus, ["\u200b", "\u200b\u200d", " "], status_category="open", category="open"
    )
    fill_name_keys(ConversationStatus, source="name", key="name_key")
    assert names(ConversationStatus, objs) == ["Unnamed", "Unnamed (2)", "Unnamed (3)"]


@pytest.mark.django_db
def test_reasons_are_unique_per_account_among_live_ones():
    acme, beta = AccountFactory(id="acme"), AccountFactory(id="beta")
    objs = [
        *with_names(StatusReason, ["Ärger"], "text", "text_key", account=acme, state="Away"),
        *with_names(StatusReason, ["ärger"], "text", "text_key", account=beta, state="Away"),
        *with_names(
            StatusReason, ["ÄRGER"], "text", "text_key", account=acme, state="Away", deleted=True
        ),
        *with_names(StatusReason, ["ärger"], "text", "text_key", account=acme, state="Away"),
    ]
    fill_name_keys(
        StatusReason,
        source="text",
        key="text_key",
        scope=("account_id",),
        live=lambda reason: not reason.deleted,
    )
    assert names(StatusReason, objs, "text") == ["Ärger", "ärger", "ÄRGER", "ärger (2)"]
    keys = names(StatusReason, objs, "text_key")
    assert keys == ["ärger", "ärger", "ärger", "ärger (2)"]


@pytest.mark.django_db(transaction=True)
def test_the_migrations_rename_collisions_and_add_the_constraints():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Status = old.get_model("statuses", "ConversationStatus")
    UserStatus = old.get_model("statuses", "UserStatus")
    Account = old.get_model("reasons", "Account")
    Reason = old.get_model("reasons", "StatusReason")
    Category = old.get_model("community", "Category")
    Tag = old.get_model("community", "Tag")
    Status.objects.create(name="Ärger", category="open")
    Status.objects.create(name="ärger", category="open")
    Status.objects.create(name="\u200b", category="open")
    UserStatus.objects.create(id="a" * 17, name="\u03a3", status_type="busy")
    UserStatus.objects.create(id="b" * 17, name="\u03c3", status_type="busy")
    account = Account.objects.create(id="acme")
    for text, deleted in [("Lunch", False), ("LUNCH", True), ("Lun\u200bch", False)]:
        Reason.objects.create(account=account, text=text, state="Away", deleted=deleted)
    Category.objects.create(name="e\u0301t\u00e9", slug="ete")
    Category.objects.create(name="\u00e9t\u00e9", slug="ete-2")
    Tag.objects.create(name="vip", type="user")
    Tag.objects.create(name="VIP", type="contribution")
    Tag.objects.create(name="\uff36\uff49\uff50", type="user")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    new = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps

    def rows(app, model, *fields):
        return sorted(new.get_model(app, model).objects.values_list(*fields))

    custom = [n for (n,) in rows("statuses", "ConversationStatus", "name") if n not in DEFAULTS]
    assert custom == ["Unnamed", "Ärger", "ärger (2)"]
    assert rows("statuses", "UserStatus", "name") == [("\u03a3",), ("\u03c3 (2)",)]
    assert rows("reasons", "StatusReason", "text", "deleted") == [
        ("LUNCH", True),
        ("Lunch", False),
        ("Lun\u200bch (2)", False),
    ]
    assert rows("community", "Category", "name") == [("e\u0301t\u00e9",), ("\u00e9t\u00e9 (2)",)]
    assert rows("community", "Tag", "name", "type") == [
        ("VIP", "contribution"),
        ("vip", "user"),
        ("\uff36\uff49\uff50 (2)", "user"),
    ]
    # The constraints are in place now.
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ConversationStatus.objects.create(name="ÄRGER", status_category="open", category="open")


DEFAULTS = {"Open", "Snoozed", "Resolved", "Closed", "New", "On-hold"}
