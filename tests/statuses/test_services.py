"""statuses.services called directly: names are unique by core.text.name_key; the Zendesk
fields, limits and category defaults of a conversation status (issue 27)."""

import dataclasses

import pytest
from django.db import IntegrityError, transaction

from core.errors import ConflictError, DomainError, NotFoundError
from statuses import services
from statuses.models import (
    CATEGORY_OF_STATUS_CATEGORY,
    MAX_PER_CATEGORY,
    MAX_STATUSES,
    ConversationStatus,
    UserStatus,
)
from statuses.selectors import conversation_status_counts
from statuses.services import ConversationStatusFields, status_category_for
from tests.factories import ConversationStatusFactory
from tests.names import INVISIBLE_NAMES, SAME_NAMES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("first", "second"), SAME_NAMES)
def test_conversation_status_create_refuses_a_look_alike(first, second):
    services.conversation_status_create(name=first, status_category="open")
    with pytest.raises(ConflictError):
        services.conversation_status_create(name=second, status_category="open")
    assert ConversationStatus.objects.count() == 7


def test_conversation_status_update_refuses_a_look_alike():
    services.conversation_status_create(name="Ärger", status_category="open")
    status = services.conversation_status_create(name="Other", status_category="open")
    with pytest.raises(ConflictError):
        services.conversation_status_update(status=status, name="ÄRGER", status_category="open")
    status.refresh_from_db()
    assert status.name == "Other" and status.name_key == "other"


def test_conversation_status_keeps_the_name_as_written_and_stores_its_key():
    status = services.conversation_status_create(name="  Lun\u200bch ", status_category="open")
    status.refresh_from_db()
    assert (status.name, status.name_key) == ("Lun\u200bch", "lunch")
    services.conversation_status_update(status=status, name="Ärger", status_category="pending")
    status.refresh_from_db()
    assert (status.name, status.name_key) == ("Ärger", "ärger")


@pytest.mark.parametrize("name", INVISIBLE_NAMES)
def test_conversation_status_with_an_invisible_name_is_blank(name):
    with pytest.raises(DomainError) as caught:
        services.conversation_status_create(name=name, status_category="open")
    assert caught.value.code == "blank" and not isinstance(caught.value, ConflictError)


@pytest.mark.parametrize(("first", "second"), SAME_NAMES)
def test_user_status_check_refuses_a_look_alike(first, second):
    services.user_status_create(name=first, status_type="busy")
    with pytest.raises(DomainError) as caught:
        services.user_status_check(name=second, status_type="busy")
    assert caught.value.code == "name_taken"


def test_user_status_update_may_keep_its_own_name_in_another_form():
    status = services.user_status_create(name="Ärger", status_type="busy")
    services.user_status_update(status=status, name="ÄRGER", status_type="away")
    status.refresh_from_db()
    assert (status.name, status.name_key, status.status_type) == ("ÄRGER", "ärger", "away")


@pytest.mark.parametrize("name", INVISIBLE_NAMES)
def test_user_status_with_an_invisible_name_is_required(name):
    with pytest.raises(DomainError) as caught:
        services.user_status_create(name=name, status_type="busy")
    assert caught.value.code == "blank"
    assert caught.value.field == "name"
    assert not UserStatus.objects.exists()


def test_the_database_refuses_a_look_alike_even_without_the_service():
    from django.db import IntegrityError, transaction

    UserStatus.objects.create(name="Ärger", status_type="busy")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserStatus.objects.create(name="ÄRGER", status_type="busy")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserStatus.objects.create(name="\u200b", status_type="busy")


# --- conversation statuses ----------------------------------------------------------------


def test_conversation_status_name_taken_is_a_conflict_on_the_name():
    services.conversation_status_create(name="Escalated", status_category="open")
    with pytest.raises(ConflictError) as caught:
        services.conversation_status_create(name="  ESCALATED ", status_category="pending")
    assert (caught.value.code, caught.value.field) == ("name_taken", "name")


def test_conversation_status_update_may_keep_its_own_name():
    status = services.conversation_status_create(name="Escalated", status_category="open")
    services.conversation_status_update(status=status, name="ESCALATED", status_category="pending")
    status.refresh_from_db()
    assert (status.name, status.category) == ("ESCALATED", "waiting")


@pytest.mark.parametrize("name", ["", "   ", "\u200b"])
def test_conversation_status_blank_name(name):
    with pytest.raises(DomainError) as caught:
        services.conversation_status_create(name=name, status_category="open")
    assert (caught.value.code, caught.value.field) == ("blank", "name")
    assert ConversationStatus.objects.count() == 6


def test_conversation_status_name_too_long_and_bad_category():
    with pytest.raises(DomainError) as caught:
        services.conversation_status_create(name="x" * 49, status_category="open")
    assert (caught.value.field, caught.value.code) == ("name", "max_length")
    with pytest.raises(DomainError) as caught:
        services.conversation_status_create(name="Fine", status_category="closed")
    assert (caught.value.field, caught.value.code) == ("status_category", "invalid_choice")
    assert ConversationStatus.objects.count() == 6


def test_a_default_conversation_status_cannot_be_updated():
    default = ConversationStatus.objects.get(name="Open")
    with pytest.raises(DomainError) as caught:
        services.conversation_status_update(
            status=default, name="Changed", status_category="pending"
        )
    assert caught.value.code == "default_protected"
    assert caught.value.params == {"action": "update"}
    assert caught.value.message == "A default conversation status cannot be changed."
    default.refresh_from_db()
    assert (default.name, default.category) == ("Open", "open")


def test_a_default_conversation_status_cannot_be_deleted():
    default = ConversationStatus.objects.get(name="Open")
    with pytest.raises(DomainError) as caught:
        services.conversation_status_delete(status=default)
    assert caught.value.code == "default_protected"
    assert caught.value.params == {"action": "delete"}
    assert caught.value.message == "A default conversation status cannot be deleted."
    assert ConversationStatus.objects.filter(pk=default.pk).exists()


def test_a_custom_conversation_status_is_deleted():
    status = services.conversation_status_create(name="Escalated", status_category="open")
    services.conversation_status_delete(status=status)
    assert not ConversationStatus.objects.filter(pk=status.pk).exists()


@pytest.mark.parametrize("status_id", ["999999", "abc", "-1", str(2**64)])
def test_conversation_status_get_of_an_unknown_id_is_not_found(status_id):
    with pytest.raises(NotFoundError) as caught:
        services.conversation_status_get(status_id=status_id)
    assert caught.value.code == "not_found"


# --- custom user statuses -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "status_type", "code", "field"),
    [
        # the model's order: the name first, blank, then not valid...
        ("", "", "blank", "name"),
        ("   ", "nope", "blank", "name"),
        ("\u200b", "Busy", "blank", "name"),
        ("a<b", "", "invalid", "name"),
        # ...then the status type: missing, then not one of the four (a taken name is
        # the write's to report, after every field has passed)...
        ("TAKEN", "", "blank", "status_type"),
        ("taken", "Busy", "invalid_choice", "status_type"),
        ("Free", "", "blank", "status_type"),
        ("Free", "Offline", "invalid_choice", "status_type"),
        ("Free", " busy", "invalid_choice", "status_type"),
        # ...then whether the name is taken. (Rocket.Chat reports a taken name before the
        # status type: its view does, tests/statuses/test_rocketchat_api.py.)
        ("TAKEN", "busy", "name_taken", "name"),
        (" taken ", "away", "name_taken", "name"),
    ],
)
def test_user_status_rules_run_in_order(name, status_type, code, field):
    services.user_status_create(name="Taken", status_type="away")
    with pytest.raises(DomainError) as caught:
        services.user_status_create(name=name, status_type=status_type)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert UserStatus.objects.count() == 1


@pytest.mark.parametrize("char", list("><&\"'"))
def test_user_status_name_with_a_forbidden_character_is_invalid(char):
    with pytest.raises(DomainError) as caught:
        services.user_status_create(name=f" x{char}y ", status_type="busy")
    assert (caught.value.code, caught.value.field) == ("invalid", "name")
    assert caught.value.params == {"value": f"x{char}y"}
    expected = (
        "A name cannot contain < or >."
        if char in "<>"
        else ("A custom user status name cannot contain &, \" or '.")
    )
    assert caught.value.message == expected


def test_user_status_invalid_type_names_the_value():
    with pytest.raises(DomainError) as caught:
        services.user_status_create(name="Free", status_type="Offline")
    assert caught.value.params == {"value": "Offline"}
    assert caught.value.message == "Value 'Offline' is not a valid choice."
    with pytest.raises(DomainError) as caught:
        services.user_status_create(name="Free", status_type="")
    assert caught.value.message == "The status type is required."


def test_user_status_name_length():
    longest = "x" * UserStatus.NAME_MAX_LENGTH
    assert services.user_status_create(name=longest, status_type="busy").name == longest
    with pytest.raises(DomainError) as caught:
        services.user_status_create(name=longest + "y", status_type="busy")
    assert (caught.value.code, caught.value.field) == ("invalid", "name")
    assert caught.value.params == {"value": longest + "y"}
    # The length counts after trimming.
    with pytest.raises(ConflictError):
        services.user_status_create(name=f"  {longest.upper()}  ", status_type="away")
    assert UserStatus.objects.count() == 1


def test_user_status_is_stored_trimmed_with_its_key():
    status = services.user_status_create(name="  In a \u200bmeeting ", status_type="busy")
    status.refresh_from_db()
    assert (status.name, status.name_key, status.status_type) == (
        "In a \u200bmeeting",
        "in a meeting",
        "busy",
    )
    assert len(status.pk) == 17


@pytest.mark.parametrize(("first", "second"), SAME_NAMES)
def test_user_status_update_to_a_look_alike_of_another_is_taken(first, second):
    services.user_status_create(name=first, status_type="busy")
    status = services.user_status_create(name="Other", status_type="away")
    with pytest.raises(ConflictError) as caught:
        services.user_status_update(status=status, name=second, status_type="busy")
    assert (caught.value.code, caught.value.field) == ("name_taken", "name")
    status.refresh_from_db()
    assert (status.name, status.status_type) == ("Other", "away")


def test_user_status_update_to_a_taken_name_with_a_bad_type_is_the_type():
    """The fields are checked in the model's order on update too: the type before a
    taken name, which the write reports."""
    services.user_status_create(name="Taken", status_type="busy")
    status = services.user_status_create(name="Other", status_type="away")
    with pytest.raises(DomainError) as caught:
        services.user_status_update(status=status, name=" TAKEN", status_type="Busy")
    assert (caught.value.code, caught.value.field) == ("invalid_choice", "status_type")
    with pytest.raises(ConflictError) as caught:
        services.user_status_update(status=status, name=" TAKEN", status_type="busy")
    assert (caught.value.code, caught.value.field) == ("name_taken", "name")
    # Its own name in another form is not taken: the type is what is wrong.
    with pytest.raises(DomainError) as caught:
        services.user_status_update(status=status, name="OTHER", status_type="Busy")
    assert (caught.value.code, caught.value.field) == ("invalid_choice", "status_type")
    status.refresh_from_db()
    assert (status.name, status.status_type) == ("Other", "away")


def test_user_status_update_applies_the_rules_and_keeps_the_row_on_failure():
    status = services.user_status_create(name="Lunch", status_type="away")
    with pytest.raises(DomainError) as caught:
        services.user_status_update(status=status, name="Lunch", status_type="Busy")
    assert (caught.value.code, caught.value.field) == ("invalid_choice", "status_type")
    status.refresh_from_db()
    assert (status.name, status.status_type) == ("Lunch", "away")


def test_user_status_get():
    status = services.user_status_create(name="Lunch", status_type="away")
    assert services.user_status_get(status_id=status.pk) == status


@pytest.mark.parametrize("status_id", ["doesNotExist12345", "", None])
def test_user_status_get_of_an_unknown_id_is_not_found(status_id):
    with pytest.raises(NotFoundError) as caught:
        services.user_status_get(status_id=status_id)
    assert caught.value.code == "not_found"
    assert caught.value.params == {"id": status_id}


def test_user_status_delete():
    keep = services.user_status_create(name="Keep", status_type="busy")
    gone = services.user_status_create(name="Gone", status_type="busy")
    services.user_status_delete(status_id=gone.pk)
    assert list(UserStatus.objects.values_list("pk", flat=True)) == [keep.pk]


def test_user_status_delete_of_an_unknown_id_is_not_found():
    services.user_status_create(name="Keep", status_type="busy")
    with pytest.raises(NotFoundError) as caught:
        services.user_status_delete(status_id="doesNotExist12345")
    assert caught.value.code == "not_found"
    assert caught.value.params == {"id": "doesNotExist12345", "action": "delete"}
    assert UserStatus.objects.count() == 1


def test_user_status_list_filters_and_orders():
    alpha = services.user_status_create(name="Alpha meeting", status_type="busy")
    services.user_status_create(name="Beta", status_type="away")
    gamma = services.user_status_create(name="Gamma MEETING", status_type="online")
    assert list(services.user_status_list()) == sorted(
        UserStatus.objects.all(), key=lambda s: s.name
    )
    assert list(services.user_status_list(name="meeting")) == [alpha, gamma]
    assert list(services.user_status_list(status_id=gamma.pk)) == [gamma]
    by_type = services.user_status_list(order_by=["-status_type", "id"])
    assert [s.status_type for s in by_type] == ["online", "busy", "away"]


def test_the_model_carries_the_name_rules_for_the_admin():
    """The admin's form gets the rules from the model's field, not from a copy."""
    from django.core.exceptions import ValidationError

    for name, message in [
        ("a<b", "A name cannot contain < or >."),
        ("\u200b", "The name needs at least one visible character."),
        ("x" * 121, "A custom user status name can have at most 120 characters."),
    ]:
        with pytest.raises(ValidationError) as caught:
            UserStatus(name=name, status_type="busy").full_clean()
        assert caught.value.message_dict["name"][0] == message


def test_rocketchat_ids_are_17_characters_of_the_alphabet_all_used():
    from statuses.models import ROCKETCHAT_ID_ALPHABET, rocketchat_id

    ids = [rocketchat_id() for _ in range(2000)]
    assert {len(pk) for pk in ids} == {17}
    assert len(set(ids)) == len(ids)
    # Every character turns up (missing one of the 55 in 34,000 draws: about 1e-270).
    assert set("".join(ids)) == set(ROCKETCHAT_ID_ALPHABET)


# --- conversation statuses: the Zendesk fields (issue 27) ------------------------------------

SEEDED = {
    "New": ("new", "open", True),
    "Open": ("open", "open", True),
    "Snoozed": ("pending", "waiting", True),
    "On-hold": ("hold", "waiting", True),
    "Resolved": ("solved", "resolved", True),
    "Closed": ("solved", "resolved", False),
}


def test_the_seeded_statuses_are_built_in_with_one_default_per_category():
    rows = ConversationStatus.objects.values_list(
        "name", "status_category", "category", "is_category_default", "is_default", "active"
    )
    assert {name: (sc, c, d) for name, sc, c, d, *_ in rows} == SEEDED
    assert all(is_default and active for *_, is_default, active in rows)
    assert conversation_status_counts() == {
        "new": 1, "open": 1, "pending": 1, "hold": 1, "solved": 2,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("category", "current", "expected"),
    [
        ("open", None, "open"),
        ("waiting", None, "pending"),
        ("resolved", None, "solved"),
        ("waiting", "hold", "hold"),  # On-hold stays On-hold under `waiting`
        ("open", "new", "new"),
        ("waiting", "pending", "pending"),
        ("open", "hold", "open"),  # another category: the canonical one
        ("resolved", "pending", "solved"),
        ("waiting", "new", "pending"),
    ],
)
def test_status_category_for_a_libredesk_category(category, current, expected):
    assert status_category_for(category, current) == expected


@pytest.mark.parametrize(
    ("status_category", "category"),
    [("new", "open"), ("open", "open"), ("pending", "waiting"), ("hold", "waiting"),
     ("solved", "resolved")],
)  # fmt: skip
def test_the_category_is_derived_from_the_status_category(status_category, category):
    status = services.conversation_status_create(name="Custom", status_category=status_category)
    status.refresh_from_db()
    assert (status.status_category, status.category) == (status_category, category)
    services.conversation_status_update(status=status, name="Custom", status_category="solved")
    status.refresh_from_db()
    assert (status.status_category, status.category) == ("solved", "resolved")


def test_the_database_ties_the_category_to_the_status_category():
    with pytest.raises(IntegrityError), transaction.atomic():
        ConversationStatus.objects.create(name="Odd", status_category="hold", category="open")


def test_the_database_keeps_one_active_default_per_category():
    status = ConversationStatusFactory(status_category="open")
    with pytest.raises(IntegrityError), transaction.atomic():
        ConversationStatus.objects.filter(pk=status.pk).update(is_category_default=True)
    open_default = ConversationStatus.objects.get(name="Open")
    with pytest.raises(IntegrityError), transaction.atomic():
        ConversationStatus.objects.filter(pk=open_default.pk).update(active=False)


def test_every_field_is_written_and_a_blank_customer_label_means_the_name():
    fields = ConversationStatusFields(
        name=" Escalated ",
        status_category="hold",
        end_user_label="  ",
        description="Second line",
        end_user_description="A specialist looks into it",
        active=False,
    )
    status = services.conversation_status_create(fields=fields)
    status.refresh_from_db()
    assert (
        status.name, status.status_category, status.category, status.end_user_label,
        status.description, status.end_user_description, status.active,
        status.is_category_default,
    ) == ("Escalated", "hold", "waiting", None, "Second line", "A specialist looks into it",
          False, False)  # fmt: skip
    assert services.fields_of(ConversationStatusFields, status).end_user_label is None
    services.conversation_status_update(
        status=status, fields=dataclasses.replace(fields, end_user_label=" We are on it ")
    )
    status.refresh_from_db()
    assert status.end_user_label == "We are on it"


def test_a_name_of_48_characters_fits_and_49_do_not():
    status = services.conversation_status_create(name="x" * 48, status_category="open")
    assert len(status.name) == 48
    with pytest.raises(DomainError) as caught:
        services.conversation_status_create(name="y" * 49, status_category="open")
    assert (caught.value.field, caught.value.code) == ("name", "max_length")


@pytest.mark.parametrize(
    ("values", "field", "code"),
    [
        # A blank name before anything else.
        ({"name": " ", "end_user_label": "x" * 49, "status_category": "bad"}, "name", "blank"),
        # Any label too long, before any label's characters (rules 3, then 4).
        ({"name": "a<b", "end_user_label": "x" * 49}, "end_user_label", "max_length"),
        ({"name": "x<" * 25, "end_user_label": "x" * 49}, "name", "max_length"),
        ({"name": "a<b", "end_user_label": "c\td"}, "name", "angle_brackets"),
        ({"name": "Fine", "end_user_label": "c\td", "description": "x" * 256},
         "end_user_label", "control"),
        # Then the descriptions, then the category.
        ({"name": "Fine", "description": "x" * 256, "status_category": "bad"},
         "description", "max_length"),
        ({"name": "Fine", "end_user_description": "x" * 256, "status_category": "bad"},
         "end_user_description", "max_length"),
        ({"name": "Fine", "status_category": "bad"}, "status_category", "invalid_choice"),
        ({"name": "Fine", "status_category": ""}, "status_category", "blank"),
        # A name taken comes last: the category is reported first.
        ({"name": "open", "status_category": "Open"}, "status_category", "invalid_choice"),
    ],
)  # fmt: skip
def test_the_field_rules_report_the_first_failure_in_the_zendesk_order(values, field, code):
    with pytest.raises(DomainError) as caught:
        services.conversation_status_create(
            fields=ConversationStatusFields(**{"status_category": "open", **values}),
            within_limits=True,
        )
    assert (caught.value.field, caught.value.code) == (field, code)
    assert ConversationStatus.objects.count() == 6


def test_only_one_status_in_new_on_the_zendesk_wire():
    with pytest.raises(DomainError) as caught:
        services.conversation_status_create(name="Fresh", status_category="new", within_limits=True)
    assert (caught.value.code, caught.value.params) == (
        "too_many", {"limit": 1, "status_category": "new"},
    )  # fmt: skip
    # The field rules come first, a taken name last.
    with pytest.raises(DomainError) as caught:
        services.conversation_status_create(name="a<b", status_category="new", within_limits=True)
    assert caught.value.code == "angle_brackets"
    with pytest.raises(DomainError) as caught:
        services.conversation_status_create(name="NEW", status_category="new", within_limits=True)
    assert caught.value.code == "too_many"
    # Without the Zendesk limits (the admin, an import) the rule does not apply.
    services.conversation_status_create(name="Fresh", status_category="new")


def _fill(status_category, up_to, *, active=True):
    """Rows straight into the table until `status_category` has `up_to` statuses."""
    have = ConversationStatus.objects.filter(status_category=status_category).count()
    category = CATEGORY_OF_STATUS_CATEGORY[status_category]
    ConversationStatus.objects.bulk_create(
        ConversationStatus(
            name=f"Fill {status_category} {i}",
            status_category=status_category,
            category=category,
            active=active,
        )
        for i in range(max(up_to - have, 0))
    )


def test_at_most_100_statuses_in_a_category_inactive_ones_counted():
    _fill("pending", MAX_PER_CATEGORY - 1)
    ConversationStatusFactory(name="Sleeping", status_category="pending", active=False)
    with pytest.raises(DomainError) as caught:
        services.conversation_status_create(
            name="One more", status_category="pending", within_limits=True
        )
    assert (caught.value.code, caught.value.field, caught.value.params) == (
        "too_many", "status_category", {"limit": 100, "status_category": "pending"},
    )  # fmt: skip
    # Another category has room; the Libredesk wire (no limits) is not refused.
    services.conversation_status_create(
        name="On hold 2", status_category="hold", within_limits=True
    )
    services.conversation_status_create(name="One more", status_category="pending")
    assert conversation_status_counts()["pending"] == 101


def test_at_most_300_statuses_in_all():
    for status_category in ("open", "pending", "hold"):
        _fill(status_category, MAX_PER_CATEGORY)
    assert sum(conversation_status_counts().values()) == MAX_STATUSES + 3  # new and solved
    extra = list(
        ConversationStatus.objects.filter(name__startswith="Fill hold")
        .order_by("-pk")
        .values_list("pk", flat=True)[:4]
    )
    ConversationStatus.objects.filter(pk__in=extra).delete()  # 299 now
    status = services.conversation_status_create(
        name="The 300th", status_category="solved", within_limits=True
    )
    with pytest.raises(DomainError) as caught:
        services.conversation_status_create(
            name="The 301st", status_category="solved", within_limits=True
        )
    assert (caught.value.code, caught.value.params) == ("too_many", {"limit": 300})
    assert status.pk and ConversationStatus.objects.count() == MAX_STATUSES


def test_the_limits_apply_to_a_reactivation_not_to_other_updates():
    _fill("hold", MAX_PER_CATEGORY + 1)  # over the limit, as the Libredesk wire may leave it
    sleeping = ConversationStatus.objects.filter(name__startswith="Fill hold").last()
    fields = services.fields_of(ConversationStatusFields, sleeping)
    services.conversation_status_update(
        status=sleeping, fields=dataclasses.replace(fields, active=False), within_limits=True
    )
    services.conversation_status_update(  # an update that does not reactivate: no limits
        status=sleeping,
        fields=dataclasses.replace(fields, active=False, description="Paused"),
        within_limits=True,
    )
    with pytest.raises(DomainError) as caught:
        services.conversation_status_update(
            status=sleeping, fields=dataclasses.replace(fields, active=True), within_limits=True
        )
    assert caught.value.params == {"limit": 100, "status_category": "hold"}
    sleeping.refresh_from_db()
    assert sleeping.active is False
    ConversationStatus.objects.filter(name="Fill hold 0").delete()  # 100 now, itself included
    services.conversation_status_update(
        status=sleeping, fields=dataclasses.replace(fields, active=True), within_limits=True
    )
    sleeping.refresh_from_db()
    assert sleeping.active is True


def test_a_refused_update_leaves_the_callers_instance_as_it_was():
    status = ConversationStatusFactory(name="Custom", status_category="open")
    services.conversation_status_make_default(statuses=[status])
    with pytest.raises(DomainError):
        services.conversation_status_update(
            status=status, name="Renamed", status_category="open", active=False
        )
    assert (status.name, status.active) == ("Custom", True)


def test_the_field_rules_come_before_the_protection_of_a_built_in():
    default = ConversationStatus.objects.get(name="Open")
    with pytest.raises(DomainError) as caught:
        services.conversation_status_update(status=default, name="x" * 49, status_category="open")
    assert caught.value.code == "max_length"
    with pytest.raises(DomainError) as caught:
        services.conversation_status_update(status=default, name="Opened", status_category="open")
    assert caught.value.code == "default_protected"


def test_a_category_default_cannot_be_switched_off():
    status = ConversationStatusFactory(name="Custom", status_category="pending")
    services.conversation_status_make_default(statuses=[status])
    with pytest.raises(DomainError) as caught:
        services.conversation_status_update(
            status=status, name="Custom", status_category="pending", active=False
        )
    assert (caught.value.code, caught.value.field) == ("inactive", "active")
    # Another change of it is fine; a status that is not a default may be switched off.
    services.conversation_status_update(
        status=status, name="Custom 2", status_category="pending", description="Changed"
    )
    snoozed = ConversationStatusFactory(name="Other", status_category="pending")
    services.conversation_status_update(
        status=snoozed, name="Other", status_category="pending", active=False
    )
    snoozed.refresh_from_db()
    assert snoozed.active is False


def test_a_category_default_cannot_be_deleted():
    status = ConversationStatusFactory(name="Custom", status_category="hold")
    services.conversation_status_make_default(statuses=[status])
    with pytest.raises(DomainError) as caught:
        services.conversation_status_delete(status=status)
    assert caught.value.code == "default_protected"
    assert caught.value.params == {"action": "delete", "reason": "category_default"}
    assert ConversationStatus.objects.filter(pk=status.pk).exists()
    # Once another is the default, it may go.
    services.conversation_status_make_default(
        statuses=[ConversationStatus.objects.get(name="On-hold")]
    )
    status.refresh_from_db()
    services.conversation_status_delete(status=status)
    assert not ConversationStatus.objects.filter(pk=status.pk).exists()


def test_conversation_status_protect_refuses_a_category_default_for_libredesk():
    status = ConversationStatusFactory(name="Custom", status_category="open")
    services.conversation_status_protect(status=status, action="update")  # not a default
    services.conversation_status_make_default(statuses=[status])
    for action in ("update", "delete"):
        with pytest.raises(DomainError) as caught:
            services.conversation_status_protect(status=status, action=action)
        assert caught.value.params == {"action": action, "reason": "category_default"}
    with pytest.raises(DomainError) as caught:
        services.conversation_status_protect(
            status=ConversationStatus.objects.get(name="Closed"), action="update"
        )
    assert caught.value.params == {"action": "update"}  # a built-in, as before


def _defaults():
    return dict(
        ConversationStatus.objects.filter(is_category_default=True).values_list(
            "status_category", "name"
        )
    )


@pytest.fixture
def emitted(monkeypatch):
    """Every (kind, action, [names]) the services report to webhook subscribers."""
    calls = []
    real = services.emit

    def spy(kind, action, objects, **kwargs):
        calls.append((kind, action, [status.name for status in objects]))
        return real(kind, action, objects, **kwargs)

    monkeypatch.setattr(services, "emit", spy)
    return calls


def test_make_default_moves_the_flag_of_each_category(emitted):
    waiting = ConversationStatusFactory(name="Waiting", status_category="pending")
    done = ConversationStatusFactory(name="Done", status_category="solved")
    services.conversation_status_make_default(statuses=[waiting, done])
    assert _defaults() == {
        "new": "New", "open": "Open", "pending": "Waiting", "hold": "On-hold", "solved": "Done",
    }  # fmt: skip
    assert waiting.is_category_default and done.is_category_default  # the caller's instances
    assert emitted == [
        ("conversation-status", "updated", ["Snoozed", "Resolved", "Waiting", "Done"])
    ]
    # Each change is in the history, and the built-ins stay built in.
    snoozed = ConversationStatus.objects.get(name="Snoozed")
    assert snoozed.history.latest("history_date").is_category_default is False
    assert snoozed.is_default
    # The default again: nothing changes, nothing is reported.
    emitted.clear()
    services.conversation_status_make_default(statuses=[waiting])
    assert [names for *_, names in emitted if names] == []
    assert _defaults()["pending"] == "Waiting"


@pytest.mark.parametrize("order", ["valid first", "valid last"])
def test_make_default_is_all_or_nothing(order):
    valid = ConversationStatusFactory(name="Valid", status_category="open")
    sleeping = ConversationStatusFactory(name="Sleeping", status_category="pending", active=False)
    before = _defaults()
    chosen = [valid, sleeping] if order == "valid first" else [sleeping, valid]
    with pytest.raises(DomainError) as caught:
        services.conversation_status_make_default(statuses=chosen)
    assert (caught.value.code, caught.value.field) == ("inactive", "active")
    assert caught.value.params == {"value": sleeping.pk}
    assert _defaults() == before
    assert valid.is_category_default is False

    other = ConversationStatusFactory(name="Other", status_category="open")
    with pytest.raises(DomainError) as caught:
        services.conversation_status_make_default(statuses=[valid, other])
    assert (caught.value.code, caught.value.params) == (
        "duplicate", {"value": other.pk, "status_category": "open"},
    )  # fmt: skip
    assert _defaults() == before


def test_make_default_of_a_status_deleted_meanwhile_is_not_found():
    status = ConversationStatusFactory(name="Gone", status_category="open")
    ConversationStatus.objects.filter(pk=status.pk).delete()
    with pytest.raises(NotFoundError):
        services.conversation_status_make_default(statuses=[status])
    assert _defaults()["open"] == "Open"
