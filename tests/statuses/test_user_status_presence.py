"""A custom user status as a Genesys Cloud presence definition too (issue 28): its system
presence, language labels, active flag and division, and the limit of active statuses per
presence, through statuses.services called directly."""

import dataclasses

import pytest
from django.db import IntegrityError, transaction

from core.errors import ConflictError, DomainError, NotFoundError
from statuses import services
from statuses.models import (
    CANONICAL_PRESENCE,
    MAX_ACTIVE_PER_PRESENCE,
    STATUS_TYPE_OF_PRESENCE,
    SystemPresence,
    UserStatus,
    UserStatusTranslation,
    canonical_locale,
)
from statuses.selectors import user_status_presence_counts, user_statuses_with_labels
from statuses.services import UserStatusFields
from tests.factories import UserStatusFactory

pytestmark = pytest.mark.django_db


def labels_of(status):
    return dict(UserStatusTranslation.objects.filter(status=status).values_list("locale", "label"))


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


# --- the model --------------------------------------------------------------------------------


def test_every_presence_is_served_as_a_status_type_and_each_type_has_a_canonical_one():
    assert set(STATUS_TYPE_OF_PRESENCE) == set(SystemPresence)
    assert set(CANONICAL_PRESENCE) == set(UserStatus.Type)
    for status_type, presence in CANONICAL_PRESENCE.items():
        assert STATUS_TYPE_OF_PRESENCE[presence] == status_type
    assert SystemPresence.ON_QUEUE.value == "OnQueue"
    assert SystemPresence.ON_QUEUE.label == "On Queue"


@pytest.mark.parametrize(
    ("system_presence", "status_type", "presence"),
    [
        (None, "online", "Available"),
        (None, "away", "Away"),
        (None, "busy", "Busy"),
        (None, "offline", "Offline"),
        ("Meal", "away", "Meal"),
        ("OnQueue", "online", "OnQueue"),
    ],
)
def test_presence_is_the_own_else_the_canonical_one(system_presence, status_type, presence):
    status = UserStatusFactory(system_presence=system_presence, status_type=status_type)
    assert status.presence == presence
    assert (status.active, status.division_id) == (True, "*")


@pytest.mark.parametrize(
    ("system_presence", "status_type"), [("Meal", "busy"), ("Available", "away"), ("Lunch", "away")]
)
def test_the_database_refuses_a_presence_of_another_type(system_presence, status_type):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserStatus.objects.create(
            name="Lunch", system_presence=system_presence, status_type=status_type
        )


def test_the_database_refuses_a_blank_division_and_two_labels_of_one_locale():
    with pytest.raises(IntegrityError), transaction.atomic():
        UserStatus.objects.create(name="Lunch", status_type="away", division_id="")
    status = UserStatusFactory()
    UserStatusTranslation.objects.create(status=status, locale="pt-br", label="Almoço")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserStatusTranslation.objects.create(status=status, locale="pt-br", label="Almoço")
    with pytest.raises(IntegrityError), transaction.atomic():  # stored as pt-br
        UserStatusTranslation.objects.create(status=status, locale="pt_BR", label="Lanche")


@pytest.mark.parametrize(
    ("locales", "canonical"),
    [
        (["fr", "en-us", "en"], "en-us"),
        (["fr", "en", "de"], "en"),
        (["pt-br", "de", "zh-cn"], "de"),
        (["en-gb"], "en-gb"),
        ([], None),
    ],
)
def test_canonical_locale(locales, canonical):
    assert canonical_locale(locales) == canonical


# --- create and update --------------------------------------------------------------------


def test_create_without_labels_labels_the_name_in_en_us(emitted):
    status = services.user_status_create(name=" Lunch ", status_type="away")
    assert labels_of(status) == {"en-us": "Lunch"}
    assert (status.system_presence, status.presence, status.active, status.division_id) == (
        None,
        "Away",
        True,
        "*",
    )
    assert emitted == [("user-status", "created", ["Lunch"])]


def test_create_with_labels_takes_the_canonical_label_as_its_name(emitted):
    fields = UserStatusFields(
        name="ignored", status_type="away", system_presence="Meal", division_id="d-1"
    )
    labels = {"fr": " Déjeuner ", "en_US": "Lunch", "de": "Mittag"}
    status = services.user_status_create(fields=fields, labels=labels)
    status.refresh_from_db()
    assert (status.name, status.system_presence, status.division_id) == ("Lunch", "Meal", "d-1")
    assert labels_of(status) == {"fr": "Déjeuner", "en-us": "Lunch", "de": "Mittag"}
    assert emitted == [("user-status", "created", ["Lunch"])]
    other = services.user_status_create(fields=fields, labels={"fr": "Repas", "de": "Essen"})
    assert other.name == "Essen"  # no en-us, no en: the first in sorted order


def test_labels_are_not_unique_across_statuses_but_the_name_is():
    fields = UserStatusFields(name="x", status_type="away")
    services.user_status_create(fields=fields, labels={"en": "Lunch", "fr": "Pause"})
    other = services.user_status_create(fields=fields, labels={"en": "Coffee", "fr": "Pause"})
    assert labels_of(other) == {"en": "Coffee", "fr": "Pause"}
    with pytest.raises(ConflictError) as caught:
        services.user_status_create(fields=fields, labels={"en": "LUNCH", "fr": "Autre"})
    assert (caught.value.code, caught.value.field) == ("name_taken", "name")
    assert UserStatus.objects.count() == 2 and UserStatusTranslation.objects.count() == 4


@pytest.mark.parametrize(
    ("labels", "code", "field", "locale"),
    [
        ({}, "required", "labels", None),
        ({"en-us": "Lunch", "en_US": "Lunch"}, "duplicate", "locale", "en-us"),
        ({"en-us": "Lunch", "fr": "   "}, "blank", "label", "fr"),
        ({"en-us": "Lunch", "fr": "a&b"}, "invalid", "label", "fr"),
        ({"en-us": "Lunch", "fr": "x" * 121}, "invalid", "label", "fr"),
        ({"en-us": "Lunch", "fr": None}, "null", "label", "fr"),
        ({"english": "Lunch"}, "invalid", "locale", "english"),
    ],
)
def test_labels_are_checked_each_with_its_locale(labels, code, field, locale):
    with pytest.raises(DomainError) as caught:
        services.user_status_create(name="Lunch", status_type="away", labels=labels)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert caught.value.params.get("locale") == locale
    assert not UserStatus.objects.exists()


def test_update_without_labels_rewrites_the_canonical_label_and_keeps_the_others(emitted):
    fields = UserStatusFields(name="x", status_type="away", system_presence="Meal")
    status = services.user_status_create(fields=fields, labels={"en": "Lunch", "fr": "Déjeuner"})
    emitted.clear()
    services.user_status_update(status=status, name="Long lunch", status_type="away")
    assert labels_of(status) == {"en": "Long lunch", "fr": "Déjeuner"}
    status.refresh_from_db()
    assert status.name == "Long lunch"
    assert emitted == [("user-status", "updated", ["Long lunch"])]
    bare = UserStatusFactory(name="Unlabelled")  # made before labels existed
    services.user_status_update(status=bare, name="Labelled", status_type="busy")
    assert labels_of(bare) == {"en-us": "Labelled"}


def test_update_with_labels_replaces_the_whole_set():
    status = services.user_status_create(
        name="x", status_type="busy", labels={"en-us": "Coaching", "fr": "Coaching", "de": "C"}
    )
    fields = services.fields_of(UserStatusFields, status)
    services.user_status_update(
        status=status, fields=fields, labels={"pt_BR": "Treino", "en": "Tr"}
    )
    assert labels_of(status) == {"pt-br": "Treino", "en": "Tr"}
    assert status.name == "Tr"
    assert UserStatus.objects.get(pk=status.pk).name == "Tr"


@pytest.mark.parametrize(
    ("new_type", "presence_after"),
    [("away", "Meal"), ("busy", None), ("online", None)],
)
def test_an_update_keeps_the_presence_only_under_its_type(new_type, presence_after):
    status = services.user_status_create(name="Lunch", status_type="away", system_presence="Meal")
    # The Rocket.Chat wire's update: the stored fields with its name and type, and the
    # presence the status keeps under that type.
    fields = dataclasses.replace(
        services.fields_of(UserStatusFields, status),
        status_type=new_type,
        system_presence=services.user_status_presence_for(status, new_type),
    )
    services.user_status_update(status=status, fields=fields)
    status.refresh_from_db()
    assert (status.status_type, status.system_presence) == (new_type, presence_after)


def test_a_presence_of_another_type_is_refused_and_a_blank_one_is_none():
    # An import or a script that pairs Meal with busy is told, not silently changed.
    with pytest.raises(DomainError) as mismatch:
        services.user_status_create(name="Lunch", status_type="busy", system_presence="Meal")
    assert (mismatch.value.code, mismatch.value.field) == ("invalid", "system_presence")
    status = services.user_status_create(name="Lunch", status_type="away", system_presence="Meal")
    with pytest.raises(DomainError):
        services.user_status_update(
            status=status, name="Lunch", status_type="busy", system_presence="Meal"
        )
    assert UserStatus.objects.get(pk=status.pk).status_type == "away"
    blank = services.user_status_create(name="Other", status_type="busy", system_presence="")
    assert blank.system_presence is None
    with pytest.raises(DomainError) as caught:
        services.user_status_create(name="Third", status_type="away", system_presence="Lunch")
    assert (caught.value.code, caught.value.field) == ("invalid_choice", "system_presence")


def test_a_refused_update_leaves_the_callers_instance_and_the_labels_as_they_were():
    services.user_status_create(name="Taken", status_type="busy")
    status = services.user_status_create(name="Mine", status_type="away", labels={"fr": "Mien"})
    with pytest.raises(ConflictError):
        services.user_status_update(
            status=status, name="x", status_type="busy", labels={"en": "TAKEN"}
        )
    assert (status.name, status.status_type) == ("Mien", "away")
    assert labels_of(status) == {"fr": "Mien"}


# --- active and inactive --------------------------------------------------------------------


def test_deactivate_hides_from_active_reads_and_keeps_the_name_reserved(emitted):
    status = services.user_status_create(name="Lunch", status_type="away")
    emitted.clear()
    services.user_status_deactivate(status=status)
    assert status.active is False and UserStatus.objects.get().active is False
    assert emitted == [("user-status", "updated", ["Lunch"])]
    services.user_status_deactivate(status=status)  # once is enough
    assert len(emitted) == 1
    assert services.user_status_get(status_id=status.pk) == status
    with pytest.raises(NotFoundError):
        services.user_status_get(status_id=status.pk, active_only=True)
    assert list(services.user_status_list(active=True)) == []
    assert list(services.user_status_list(active=False)) == [status]
    with pytest.raises(ConflictError):
        services.user_status_create(name="LUNCH", status_type="busy")


def test_deactivate_of_a_deleted_status_is_not_found():
    status = services.user_status_create(name="Lunch", status_type="away")
    UserStatus.objects.filter(pk=status.pk).delete()
    with pytest.raises(NotFoundError):
        services.user_status_deactivate(status=status)


def test_list_by_division_keeps_those_of_all_divisions():
    everywhere = UserStatusFactory(name="A")
    d1 = UserStatusFactory(name="B", division_id="d1")
    UserStatusFactory(name="C", division_id="d2")
    assert list(services.user_status_list(division_ids=["d1"])) == [everywhere, d1]
    assert list(services.user_status_list(division_ids=[])) == [everywhere]
    assert services.user_status_list().count() == 3


def test_user_statuses_with_labels_costs_one_query_for_any_number(django_assert_num_queries):
    for i in range(5):
        services.user_status_create(name=f"S{i}", status_type="away", labels={"fr": f"S{i}"})
    with django_assert_num_queries(2):
        rows = {
            s.name: [t.label for t in s.translations.all()] for s in user_statuses_with_labels()
        }
    assert rows["S3"] == ["S3"]


# --- the limit of active statuses per presence ----------------------------------------------


def fill(presence, n, *, active=True):
    status_type = STATUS_TYPE_OF_PRESENCE[SystemPresence(presence)]
    prefix = presence if active else f"Inactive {presence}"
    UserStatus.objects.bulk_create(
        UserStatus(
            name=f"{prefix} {i}", status_type=status_type, system_presence=presence, active=active
        )
        for i in range(n)
    )


def test_presence_counts_count_active_rows_under_their_effective_presence():
    fill("Meal", 2)
    fill("Meal", 3, active=False)
    UserStatusFactory(status_type="away")  # no presence of its own: Away
    UserStatusFactory(status_type="away", system_presence="Away")
    UserStatusFactory(status_type="online")
    counts = user_status_presence_counts()
    assert set(counts) == set(SystemPresence.values)
    assert (counts["Meal"], counts["Away"], counts["Available"], counts["Busy"]) == (2, 2, 1, 0)


def test_the_limit_refuses_the_31st_active_status_of_a_presence_with_the_wire_flag():
    fill("Meal", MAX_ACTIVE_PER_PRESENCE - 1)
    fill("Meal", 5, active=False)  # inactive ones do not count
    fields = UserStatusFields(name="Last", status_type="away", system_presence="Meal")
    services.user_status_create(fields=fields, within_limits=True)
    with pytest.raises(DomainError) as caught:
        services.user_status_create(
            fields=dataclasses.replace(fields, name="One more"), within_limits=True
        )
    error = caught.value
    assert (error.code, error.field) == ("too_many", "system_presence")
    assert error.params == {"limit": MAX_ACTIVE_PER_PRESENCE, "system_presence": "Meal"}
    # Another presence has room; an inactive create takes none; without the flag
    # (the Rocket.Chat wire, the admin's save) nothing is refused.
    services.user_status_create(
        fields=dataclasses.replace(fields, name="Break", system_presence="Break"),
        within_limits=True,
    )
    services.user_status_create(
        fields=dataclasses.replace(fields, name="Off", active=False), within_limits=True
    )
    services.user_status_create(fields=dataclasses.replace(fields, name="Chat"))
    assert user_status_presence_counts()["Meal"] == MAX_ACTIVE_PER_PRESENCE + 1


def test_rocketchat_rows_count_under_their_canonical_presence():
    UserStatus.objects.bulk_create(
        UserStatus(name=f"Chat {i}", status_type="online") for i in range(MAX_ACTIVE_PER_PRESENCE)
    )
    with pytest.raises(DomainError) as caught:
        services.user_status_create(
            name="Ready", status_type="online", system_presence="Available", within_limits=True
        )
    assert caught.value.params["system_presence"] == "Available"
    services.user_status_create(
        name="Queue", status_type="online", system_presence="OnQueue", within_limits=True
    )


def test_a_reactivation_is_limited_and_the_limit_comes_before_the_name():
    fill("Training", MAX_ACTIVE_PER_PRESENCE)
    status = services.user_status_create(
        name="Course", status_type="busy", system_presence="Training", active=False
    )
    fields = dataclasses.replace(services.fields_of(UserStatusFields, status), active=True)
    with pytest.raises(DomainError) as caught:
        services.user_status_update(status=status, fields=fields, within_limits=True)
    assert caught.value.code == "too_many"
    assert status.active is False and UserStatus.objects.get(pk=status.pk).active is False
    # A taken name: the limit is reported first (the Genesys contract's order).
    with pytest.raises(DomainError) as caught:
        services.user_status_update(
            status=status,
            fields=dataclasses.replace(fields, name="Training 0"),
            within_limits=True,
        )
    assert caught.value.code == "too_many"
    # An update of an active status, or one that stays inactive, is not a reactivation.
    active = UserStatus.objects.get(name="Training 0")
    services.user_status_update(
        status=active,
        fields=dataclasses.replace(services.fields_of(UserStatusFields, active), name="T0"),
        within_limits=True,
    )
    services.user_status_update(
        status=status,
        fields=dataclasses.replace(fields, name="Course 2", active=False),
        within_limits=True,
    )
    UserStatus.objects.filter(pk=active.pk).update(active=False)
    services.user_status_update(status=status, fields=fields, within_limits=True)
    assert UserStatus.objects.get(pk=status.pk).active is True


def test_a_field_error_comes_before_the_limit():
    fill("Meal", MAX_ACTIVE_PER_PRESENCE)
    with pytest.raises(DomainError) as caught:
        services.user_status_create(
            name="a<b", status_type="away", system_presence="Meal", within_limits=True
        )
    assert caught.value.code == "invalid"


# --- the limit on every door that can make a status active under a presence ---------------------


def _fill(presence, status_type, count):
    for index in range(count):
        services.user_status_create(
            name=f"{presence} {index}", status_type=status_type, system_presence=presence
        )


def test_a_move_to_a_full_presence_is_refused_within_limits():
    _fill("Meal", "away", MAX_ACTIVE_PER_PRESENCE)
    brk = services.user_status_create(name="Coffee", status_type="away", system_presence="Break")
    fields = dataclasses.replace(services.fields_of(UserStatusFields, brk), system_presence="Meal")
    with pytest.raises(DomainError) as caught:
        services.user_status_update(status=brk, fields=fields, within_limits=True)
    assert caught.value.code == "too_many"
    # The Rocket.Chat wire (no limits) may.
    services.user_status_update(status=brk, fields=fields)
    assert UserStatus.objects.get(pk=brk.pk).system_presence == "Meal"


def test_the_limit_reads_the_stored_row_not_a_stale_copy():
    _fill("Meal", "away", MAX_ACTIVE_PER_PRESENCE - 1)
    parked = services.user_status_create(
        name="Parked", status_type="away", system_presence="Meal", active=False
    )
    stale = UserStatus.objects.get(pk=parked.pk)
    stale.active = True  # as a form, or a read from before a concurrent deactivation, has it
    services.user_status_create(name="Last", status_type="away", system_presence="Meal")
    fields = services.fields_of(UserStatusFields, stale)
    with pytest.raises(DomainError) as caught:
        services.user_status_update(status=stale, fields=fields, within_limits=True)
    assert caught.value.code == "too_many"
    assert UserStatus.objects.get(pk=parked.pk).active is False
