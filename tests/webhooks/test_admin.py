"""Webhooks in the admin: subscriptions with a secret shown once, rotation, test events,
the delivery log with resend, permissions, and the dashboard's failing subscriptions."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from standardwebhooks import Webhook

from tests.factories import UserFactory
from tests.webhooks.receiver import start_receiver
from webhooks import queue, secrets, services
from webhooks.models import Attempt, Delivery, Subscription

pytestmark = pytest.mark.django_db

ADD = "/admin/webhooks/subscription/add/"


def form(url, **extra):
    return {
        "url": url,
        "description": "BI pipeline",
        "event_types": ["libredesk.status.created", "liveperson.reason.updated"],
        "scope": "",
        "is_active": "on",
        **extra,
    }


def test_a_new_subscription_shows_its_secret_once(admin_client):
    response = admin_client.post(ADD, form("http://127.0.0.1:9/hook"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = re.search(r'class="webhook-secret">(whsec_[A-Za-z0-9+/=]+)<', response.text).group(1)
    subscription = Subscription.objects.get()
    assert secrets.decrypt(subscription.secret_encrypted) == secret
    assert subscription.event_types == ["libredesk.status.created", "liveperson.reason.updated"]
    page = admin_client.get(f"/admin/webhooks/subscription/{subscription.pk}/change/")
    assert page.status_code == 200 and secret not in page.text
    assert subscription.secret_encrypted not in page.text


def test_a_private_target_is_refused_in_the_form_when_not_allowed(admin_client, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    response = admin_client.post(ADD, form("http://127.0.0.1:8000/hook"))
    assert response.status_code == 200
    assert "non-public address" in response.text
    assert not Subscription.objects.exists()


def test_rotation_asks_first_then_shows_the_new_secret_once(admin_client, admin_user):
    issued = services.subscription_create(
        owner=admin_user, url="http://127.0.0.1:9/hook", event_types=["libredesk.status.created"]
    )
    url = f"/admin/webhooks/subscription/{issued.subscription.pk}/rotate-secret/"
    confirm = admin_client.get(url)
    assert confirm.status_code == 200 and "24 hours" in confirm.text
    assert Subscription.objects.get().previous_secret_encrypted == ""
    response = admin_client.post(url)
    assert "no-store" in response["Cache-Control"]
    new = re.search(r'class="webhook-secret">(whsec_[^<]+)<', response.text).group(1)
    stored = Subscription.objects.get()
    assert new != issued.secret and secrets.decrypt(stored.secret_encrypted) == new
    assert secrets.decrypt(stored.previous_secret_encrypted) == issued.secret
    assert stored.previous_secret_expires_at > timezone.now() + timedelta(hours=23)


def test_send_test_event_and_resend_from_the_delivery_log(admin_client, admin_user):
    receiver = start_receiver()
    try:
        issued = services.subscription_create(
            owner=admin_user, url=receiver.url, event_types=["libredesk.status.created"]
        )
        pk = issued.subscription.pk
        assert admin_client.get(f"/admin/webhooks/subscription/{pk}/send-test/").status_code == 405
        response = admin_client.post(f"/admin/webhooks/subscription/{pk}/send-test/")
        assert response.status_code == 302
        assert f"subscription__id__exact={pk}" in response["Location"]
        queue.dispatch.call()
        delivery = Delivery.objects.get()
        assert queue.deliver.call(delivery.pk) == "delivered"
        (request,) = receiver.wait_for(1)
        assert Webhook(issued.secret).verify(request.body, request.headers)["type"] == (
            "webhook.test"
        )
        log = admin_client.get(response["Location"])
        assert log.status_code == 200
        assert "webhook.test" in log.text and ">204<" in log.text
        detail = admin_client.get(f"/admin/webhooks/delivery/{delivery.pk}/change/")
        assert detail.status_code == 200 and delivery.event.webhook_id in detail.text
        resent = admin_client.post(
            "/admin/webhooks/delivery/",
            {"action": "resend", "_selected_action": [delivery.pk]},
            follow=True,
        )
        assert "1 delivery will be sent again" in resent.text
        assert Delivery.objects.get().state == "pending"
        for path in ["?state__exact=pending", "?event__type=webhook.test", "?q=webhook"]:
            assert admin_client.get("/admin/webhooks/delivery/" + path).status_code == 200
    finally:
        receiver.server.shutdown()


def test_permissions_gate_subscriptions_and_their_secrets(client):
    viewer = UserFactory(is_staff=True)
    issued = services.subscription_create(
        owner=viewer, url="http://127.0.0.1:9/hook", event_types=["libredesk.status.created"]
    )
    pk = issued.subscription.pk
    client.force_login(viewer)
    assert client.get("/admin/webhooks/subscription/").status_code == 403
    viewer.user_permissions.add(Permission.objects.get(codename="view_subscription"))
    assert client.get("/admin/webhooks/subscription/").status_code == 200
    assert client.post(f"/admin/webhooks/subscription/{pk}/rotate-secret/").status_code == 403
    assert client.post(f"/admin/webhooks/subscription/{pk}/send-test/").status_code == 403
    assert client.post(ADD, form("http://127.0.0.1:9/x")).status_code == 403
    assert Subscription.objects.get().previous_secret_encrypted == ""


def test_the_dashboard_names_failing_and_paused_subscriptions(admin_client, admin_user):
    failing = services.subscription_create(
        owner=admin_user, url="http://127.0.0.1:9/a", event_types=["libredesk.status.created"]
    ).subscription
    Subscription.objects.filter(pk=failing.pk).update(failing_since=timezone.now())
    services.subscription_create(
        owner=admin_user,
        url="http://127.0.0.1:9/b",
        event_types=["libredesk.status.created"],
        is_active=False,
    )
    page = admin_client.get("/admin/").text
    card = page[page.index('data-surface="Webhooks"') :]
    card = card[: card.index("</article>")]
    assert re.search(r"failing</dt><dd>1<", card) and re.search(r"paused</dt><dd>1<", card)
    assert "?health=failing" in card and "?health=paused" in card
    listed = admin_client.get("/admin/webhooks/subscription/?health=failing").text
    assert "http://127.0.0.1:9/a" in listed and "http://127.0.0.1:9/b" not in listed


def test_resuming_a_paused_subscription_sends_what_waited(admin_client, admin_user):
    issued = services.subscription_create(
        owner=admin_user, url="http://127.0.0.1:9/hook", event_types=["libredesk.status.created"]
    )
    subscription = issued.subscription
    services.send_test_event(subscription=subscription)
    Subscription.objects.filter(pk=subscription.pk).update(
        is_active=False, paused_reason="Paused automatically", failing_since=timezone.now()
    )
    Delivery.objects.update(queued_at=timezone.now())
    response = admin_client.post(
        f"/admin/webhooks/subscription/{subscription.pk}/change/",
        form("http://127.0.0.1:9/hook", event_types=["libredesk.status.created"]),
    )
    assert response.status_code == 302
    resumed = Subscription.objects.get()
    assert resumed.is_active and resumed.paused_reason == "" and resumed.failing_since is None
    assert Delivery.objects.get().queued_at is None
    assert Attempt.objects.count() == 0
