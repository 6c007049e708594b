"""A support manager sets up a webhook in Chromium: makes a subscription, copies its secret,
clicks "Send test event", and the signed test event arrives at a real HTTP receiver once the
webhooks worker's loop (django-tasks-db's `Worker`, as `manage.py webhooks_worker` runs it)
has run the queued tasks."""

import json

from django_tasks_db.management.commands import db_worker
from playwright.sync_api import expect
from standardwebhooks import Webhook

from tests.webhooks.receiver import start_receiver
from webhooks import queue
from webhooks.models import Delivery, Subscription


def run_worker_until_idle():
    """One loop of the webhooks worker, until the queue is empty (its --batch mode)."""
    db_worker.Worker(
        queue_names=[queue.QUEUE],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="browser-test",
        excluded_queue_names=[],
    ).run()


def test_send_test_event_is_clicked_and_the_event_arrives(login):
    receiver = start_receiver()
    try:
        page = login()
        page.goto("/admin/webhooks/subscription/add/")
        page.fill("#id_url", receiver.url)
        page.fill("#id_description", "BI pipeline")
        page.check('input[name=event_types][value="libredesk.status.created"]')
        page.click("input[name=_save]")
        secret = page.locator("code.webhook-secret").inner_text()
        assert secret.startswith("whsec_")
        page.get_by_role("link", name="Done").click()
        page.wait_for_url("**/change/")

        page.get_by_role("button", name="Send test event").click()
        page.wait_for_url("**/webhooks/delivery/?subscription__id__exact=*")
        expect(page.locator(".messagelist")).to_contain_text("A test event is on its way")
        subscription = Subscription.objects.get()
        delivery = Delivery.objects.get(subscription=subscription)
        assert delivery.event.type == "webhook.test"

        run_worker_until_idle()
        (request,) = receiver.wait_for(1, timeout=10)
        event = Webhook(secret).verify(request.body, request.headers)
        assert event["type"] == "webhook.test"
        assert json.loads(request.body)["type"] == "webhook.test"

        page.reload()
        row = page.locator("#result_list tbody tr").first
        expect(row).to_contain_text("webhook.test")
        expect(row).to_contain_text("delivered")
        expect(row).to_contain_text("204")
    finally:
        receiver.server.shutdown()
