"""Issue 25 item 9: the reasons list, showing deleted reasons, says when each was deleted
and by whom (read from the reason's history), so two deleted "Training" rows differ."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from core.history import command_running
from reasons import services
from reasons.models import StatusReason
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/reasons/statusreason/"


def make_training(account):
    return services.reason_create(
        account=account, fields=services.ReasonFields(text="Training", state="Away", order=None)
    ).reasons[0]


def delete_in_admin(user, reason):
    client = Client()
    client.force_login(user)
    response = client.post(
        LIST,
        {"action": "delete_selected", "_selected_action": [reason.pk], "post": "yes"},
    )
    assert response.status_code == 302


def cells(html, column):
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(rf'<td class="field-{column}[^"]*">(.*?)</td>', html, re.S)
    ]


def test_two_deleted_trainings_are_told_apart_by_when_and_who(admin_client):
    acme = AccountFactory(id="acme")
    alice = UserFactory(username="alice", is_staff=True, is_superuser=True)
    bob = UserFactory(username="bob", is_staff=True, is_superuser=True)
    first = make_training(acme)
    delete_in_admin(alice, first)
    # The first delete was yesterday.
    StatusReason.history.filter(id=first.pk, deleted=True).update(
        history_date=timezone.now() - timedelta(days=1)
    )
    second = make_training(acme)
    delete_in_admin(bob, second)

    html = admin_client.get(f"{LIST}?deleted=1&o=-7").content.decode()
    assert "Deleted at" in html and "Deleted by" in html
    assert cells(html, "deleted_by") == ["bob", "alice"]  # newest delete first
    when = cells(html, "deleted_at")
    assert len(when) == 2 and when[0] != when[1] and all(when)


def test_a_command_delete_names_the_command_and_live_rows_have_none(admin_client):
    acme = AccountFactory(id="acme")
    gone = make_training(acme)
    services.reason_create(
        account=acme, fields=services.ReasonFields(text="Lunch", state="Away", order=None)
    )
    with command_running("prune_reasons"):
        services.reasons_set_flags(reasons=[gone], deleted=True)
    html = admin_client.get(f"{LIST}?deleted=all").content.decode()
    texts = re.findall(r'<th class="field-text"><a [^>]*>([^<]+)</a>', html)
    by_text = dict(zip(texts, cells(html, "deleted_by"), strict=True))
    assert by_text == {"Training": "command prune_reasons", "Lunch": "-"}


def test_the_live_list_has_no_deleted_columns(admin_client):
    make_training(AccountFactory(id="acme"))
    html = admin_client.get(LIST).content.decode()
    assert "Deleted at" not in html and "field-deleted_by" not in html


def test_the_deleted_list_costs_the_same_queries_for_one_or_many(
    admin_client, django_assert_max_num_queries
):
    acme = AccountFactory(id="acme")
    user = UserFactory(username="alice", is_staff=True, is_superuser=True)
    for _ in range(5):
        delete_in_admin(user, make_training(acme))
    with django_assert_max_num_queries(12):
        assert admin_client.get(f"{LIST}?deleted=1").status_code == 200
