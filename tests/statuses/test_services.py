"""statuses.services called directly: names are unique by core.text.name_key."""

import pytest

from core.errors import ConflictError, DomainError, NotFoundError
from statuses import services
from statuses.models import ConversationStatus, UserStatus
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
