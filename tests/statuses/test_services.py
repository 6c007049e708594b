"""statuses.services called directly: names are unique by core.text.name_key."""

import pytest

from core.errors import ConflictError, DomainError
from statuses import services
from statuses.models import ConversationStatus, UserStatus
from tests.names import INVISIBLE_NAMES, SAME_NAMES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("first", "second"), SAME_NAMES)
def test_conversation_status_create_refuses_a_look_alike(first, second):
    services.conversation_status_create(name=first, category="open")
    with pytest.raises(ConflictError):
        services.conversation_status_create(name=second, category="open")
    assert ConversationStatus.objects.count() == 5


def test_conversation_status_update_refuses_a_look_alike():
    services.conversation_status_create(name="Ärger", category="open")
    status = services.conversation_status_create(name="Other", category="open")
    with pytest.raises(ConflictError):
        services.conversation_status_update(status=status, name="ÄRGER", category="open")
    status.refresh_from_db()
    assert status.name == "Other" and status.name_key == "other"


def test_conversation_status_keeps_the_name_as_written_and_stores_its_key():
    status = services.conversation_status_create(name="  Lun\u200bch ", category="open")
    status.refresh_from_db()
    assert (status.name, status.name_key) == ("Lun\u200bch", "lunch")
    services.conversation_status_update(status=status, name="Ärger", category="waiting")
    status.refresh_from_db()
    assert (status.name, status.name_key) == ("Ärger", "ärger")


@pytest.mark.parametrize("name", INVISIBLE_NAMES)
def test_conversation_status_with_an_invisible_name_is_blank(name):
    with pytest.raises(DomainError) as caught:
        services.conversation_status_create(name=name, category="open")
    assert caught.value.code == "blank" and not isinstance(caught.value, ConflictError)


@pytest.mark.parametrize(("first", "second"), SAME_NAMES)
def test_user_status_check_refuses_a_look_alike(first, second):
    services.user_status_create(name=first, status_type="busy")
    with pytest.raises(DomainError) as caught:
        services.user_status_check(name=second, status_type="busy")
    assert caught.value.code == services.NAME_IN_USE


def test_user_status_update_may_keep_its_own_name_in_another_form():
    status = services.user_status_create(name="Ärger", status_type="busy")
    services.user_status_update(status=status, name="ÄRGER", status_type="away")
    status.refresh_from_db()
    assert (status.name, status.name_key, status.status_type) == ("ÄRGER", "ärger", "away")


@pytest.mark.parametrize("name", INVISIBLE_NAMES)
def test_user_status_with_an_invisible_name_is_required(name):
    with pytest.raises(DomainError) as caught:
        services.user_status_create(name=name, status_type="busy")
    assert caught.value.code == services.REQUIRED
    assert caught.value.details["field"] == "Name"
    assert not UserStatus.objects.exists()


def test_the_database_refuses_a_look_alike_even_without_the_service():
    from django.db import IntegrityError, transaction

    UserStatus.objects.create(name="Ärger", status_type="busy")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserStatus.objects.create(name="ÄRGER", status_type="busy")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserStatus.objects.create(name="\u200b", status_type="busy")
