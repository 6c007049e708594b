"""A subscription sees only what its owner may see (issue 21): its events, its delivery log
and who may change it follow the owner's model permissions and LivePerson accounts."""

import itertools
import json

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.conftest import data_statements
from tests.factories import (
    AccountFactory,
    ConversationStatusFactory,
    StatusReasonFactory,
    UserFactory,
    webhook_owner,
)
from webhooks import services
from webhooks.models import Delivery, Event, Subscription

pytestmark = pytest.mark.django_db

HOOK = "http://127.0.0.1:9/hook"
NUMBERS = itertools.count()
REASON_EVENTS = ["liveperson.reason.created", "liveperson.reason.updated"]
REASON_ADMIN = ["reasons.view_statusreason", "reasons.change_statusreason"]
WEBHOOK_ADMIN = [
    "webhooks.view_subscription",
    "webhooks.add_subscription",
    "webhooks.change_subscription",
    "webhooks.delete_subscription",
    "webhooks.view_delivery",
]


@pytest.fixture
def accounts():
    return AccountFactory(id="acc_a"), AccountFactory(id="acc_b")


@pytest.fixture
def manager(accounts):
    """A manager of account acc_a only, who may work on reasons and webhooks."""
    user = UserFactory(username="manager_a", is_staff=True, perms=[*REASON_ADMIN, *WEBHOOK_ADMIN])
    accounts[0].members.add(user)
    return user


def emit_reason(account_id):
    reason = StatusReasonFactory(
        account__id=account_id, text=f"Secret of {account_id} #{next(NUMBERS)}"
    )
    with transaction.atomic():
        return services.emit(
            "status-reason",
            "created",
            [reason],
            scope=account_id,
            extra={"account": account_id, "revision": 1},
        )


def subscribe(owner, types=REASON_EVENTS, **fields):
    return services.subscription_create(owner=owner, url=HOOK, event_types=types, **fields)


def delivered_accounts(subscription):
    return sorted(
        json.loads(body)["data"]["account"]
        for body in Delivery.objects.filter(subscription=subscription).values_list(
            "event__body", flat=True
        )
    )


# --- fan-out -------------------------------------------------------------------------------


def test_an_empty_account_filter_means_the_owners_accounts_not_every_account(manager):
    every = subscribe(manager).subscription
    emit_reason("acc_a")
    emit_reason("acc_b")
    assert delivered_accounts(every) == ["acc_a"]


def test_a_filter_for_an_account_the_owner_is_not_a_member_of_is_refused(manager):
    from core.errors import DomainError

    with pytest.raises(DomainError) as refused:
        subscribe(manager, scope="acc_b")
    assert refused.value.field == "scope"
    assert not Subscription.objects.exists()


def test_a_filter_made_before_the_owner_left_gets_nothing_after(manager, accounts):
    only_a = subscribe(manager, scope="acc_a").subscription
    emit_reason("acc_a")
    accounts[0].members.remove(manager)
    emit_reason("acc_a")
    assert delivered_accounts(only_a) == ["acc_a"]


def test_events_stop_when_the_owner_is_deactivated_or_loses_the_view_permission(manager):
    statuses = subscribe(
        manager, types=["libredesk.status.created"]
    ).subscription  # no Libredesk permission yet
    with transaction.atomic():
        services.emit("conversation-status", "created", [ConversationStatusFactory()])
    assert statuses.deliveries.count() == 0

    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name="Helpdesk viewers")
    group.permissions.add(Permission.objects.get(codename="view_conversationstatus"))
    manager.groups.add(group)  # a permission held through a group counts
    with transaction.atomic():
        services.emit("conversation-status", "created", [ConversationStatusFactory()])
    assert statuses.deliveries.count() == 1

    manager.is_active = False
    manager.save()
    with transaction.atomic():
        services.emit("conversation-status", "created", [ConversationStatusFactory()])
    assert statuses.deliveries.count() == 1


def test_a_superuser_owner_gets_every_account(accounts):
    every = subscribe(webhook_owner()).subscription
    emit_reason("acc_a")
    emit_reason("acc_b")
    assert delivered_accounts(every) == ["acc_a", "acc_b"]


def test_fan_out_is_a_constant_number_of_queries_however_many_subscriptions(accounts):
    def queries_of_one_emit():
        reason = StatusReasonFactory(account=accounts[0])
        with CaptureQueriesContext(connection) as ctx, transaction.atomic():
            services.emit("status-reason", "created", [reason], scope="acc_a")
        return len(ctx.captured_queries)

    def owners(n):
        for _ in range(n):
            user = UserFactory(perms=["reasons.view_statusreason"])
            accounts[0].members.add(user)
            subscribe(user)
            subscribe(user, scope="acc_a")
            not_member = UserFactory(perms=["reasons.view_statusreason"])
            subscribe(not_member, types=["liveperson.reason.created"])

    owners(1)
    few = queries_of_one_emit()
    owners(20)
    many = queries_of_one_emit()
    assert many == few
    assert Delivery.objects.filter(event__scope="acc_a").count() == 2 + 2 * 21


def test_no_subscription_wanting_the_event_reads_no_data(accounts):
    # Issue 26: once the subscribed event types are known (the first emit after a change
    # reads them), an emit nobody wants reads only their generation's token from the cache
    # (tests/webhooks/test_subscribed_types.py: none at all inside an API write).
    subscribe(
        UserFactory(perms=["statuses.view_conversationstatus"]), types=["libredesk.status.created"]
    )
    reason = StatusReasonFactory(account=accounts[0])
    for expected in (1, 0):
        with CaptureQueriesContext(connection) as ctx, transaction.atomic():
            assert services.emit("status-reason", "created", [reason], scope="acc_a") == []
        assert len(data_statements(ctx)) == expected, data_statements(ctx)


# --- the admin -----------------------------------------------------------------------------


def form(url=HOOK, **extra):
    return {
        "url": url,
        "description": "mine",
        "event_types": REASON_EVENTS,
        "scope": "",
        "is_active": "on",
        **extra,
    }


def test_the_account_filter_offers_only_the_owners_accounts(client, manager):
    client.force_login(manager)
    page = client.get("/admin/webhooks/subscription/add/")
    assert 'value="acc_a"' in page.text and 'value="acc_b"' not in page.text
    refused = client.post("/admin/webhooks/subscription/add/", form(scope="acc_b"))
    assert refused.status_code == 200 and "acc_b is not one of the available" in refused.text
    assert not Subscription.objects.exists()
    made = client.post("/admin/webhooks/subscription/add/", form(scope="acc_a"))
    assert made.status_code == 200  # the secret page
    assert Subscription.objects.get().owner == manager


def test_a_manager_sees_and_works_on_only_their_own_subscriptions(client, manager, accounts):
    theirs = subscribe(webhook_owner(), scope="acc_b").subscription
    mine = subscribe(manager).subscription
    client.force_login(manager)
    listed = client.get("/admin/webhooks/subscription/")
    assert listed.status_code == 200
    assert f"/{mine.pk}/change/" in listed.text and f"/{theirs.pk}/change/" not in listed.text
    base = f"/admin/webhooks/subscription/{theirs.pk}"
    assert client.get(f"{base}/change/").status_code in (302, 404)
    assert client.post(f"{base}/change/", form("http://127.0.0.1:9/mine")).status_code in (
        302,
        403,
        404,
    )
    assert client.post(f"{base}/rotate-secret/").status_code == 404
    assert client.post(f"{base}/send-test/").status_code == 404
    assert client.post(f"{base}/delete/", {"post": "yes"}).status_code in (302, 404)
    theirs.refresh_from_db()
    assert theirs.url == HOOK and theirs.previous_secret_encrypted == ""
    assert Subscription.objects.filter(pk=theirs.pk).exists()
    assert not Event.objects.filter(type="webhook.test").exists()
    # The dashboard counts their own only.
    assert client.get("/admin/").status_code == 200


def test_nobody_but_the_owner_may_change_the_target_url(admin_client, manager):
    mine = subscribe(manager).subscription
    page = admin_client.get(f"/admin/webhooks/subscription/{mine.pk}/change/")
    assert page.status_code == 200 and 'name="url"' not in page.text  # shown, not editable
    edited = admin_client.post(
        f"/admin/webhooks/subscription/{mine.pk}/change/",
        form("http://127.0.0.1:9/elsewhere", description="paused by the admin", is_active=""),
    )
    assert edited.status_code == 302
    mine.refresh_from_db()
    assert mine.url == HOOK and mine.description == "paused by the admin"
    assert not mine.is_active
    from core.errors import DomainError

    mine.url = "http://127.0.0.1:9/elsewhere"
    with pytest.raises(DomainError):
        services.subscription_update(
            subscription=mine, actor=UserFactory(is_superuser=True), url_changed=True
        )


def test_the_delivery_log_shows_only_what_the_reader_may_see(client, manager, accounts):
    superusers = subscribe(webhook_owner()).subscription
    mine = subscribe(manager).subscription
    emit_reason("acc_a")
    emit_reason("acc_b")
    theirs = Delivery.objects.filter(subscription=superusers)
    own = Delivery.objects.get(subscription=mine)
    assert theirs.count() == 2

    client.force_login(manager)
    log = client.get("/admin/webhooks/delivery/")
    assert log.status_code == 200
    assert f"/{own.pk}/change/" in log.text
    assert "Secret of acc_b" not in log.text
    for delivery in theirs:
        assert client.get(f"/admin/webhooks/delivery/{delivery.pk}/change/").status_code in (
            302,
            404,
        )
    # The subscription filter does not name other people's subscriptions either.
    assert superusers.url not in log.text or superusers.url == mine.url
    assert f"subscription__id__exact={superusers.pk}" not in log.text

    # Once the manager leaves acc_a, its events' bodies are no longer theirs to read.
    accounts[0].members.remove(manager)
    assert client.get(f"/admin/webhooks/delivery/{own.pk}/change/").status_code in (302, 404)


def test_view_permissions_on_webhooks_alone_do_not_show_event_bodies(client, manager):
    subscribe(manager)
    emit_reason("acc_a")
    snoop = UserFactory(
        is_staff=True, perms=["webhooks.view_delivery", "webhooks.view_subscription"]
    )
    client.force_login(snoop)
    assert client.get("/admin/reasons/statusreason/").status_code == 403
    log = client.get("/admin/webhooks/delivery/")
    assert log.status_code == 200 and "Secret of acc_a" not in log.text
    (delivery,) = Delivery.objects.all()
    assert client.get(f"/admin/webhooks/delivery/{delivery.pk}/change/").status_code in (302, 404)


def test_a_forged_resend_of_another_persons_deliveries_does_nothing(client, manager):
    superusers = subscribe(webhook_owner()).subscription
    emit_reason("acc_b")
    delivery = Delivery.objects.get(subscription=superusers)
    Delivery.objects.filter(pk=delivery.pk).update(state=Delivery.State.DELIVERED)
    client.force_login(manager)
    client.post(
        "/admin/webhooks/delivery/", {"action": "resend", "_selected_action": [delivery.pk]}
    )
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.DELIVERED
