"""A support manager sets up a webhook in Chromium: makes a subscription, copies its secret,
clicks "Send test event", and the signed test event arrives at a real HTTP receiver once the
webhooks worker's loop (django-tasks-db's `Worker`, as `manage.py webhooks_worker` runs it)
has run the queued tasks."""

import json

from django_tasks_db.management.commands import db_worker
from playwright.sync_api import expect
from standardwebhooks import Webhook

from tests.factories import AccountFactory, UserFactory
from tests.webhooks.receiver import start_receiver
from webhooks import queue
from webhooks.models import Delivery, Subscription

WEBHOOK_ADMIN = [f"webhooks.{verb}_subscription" for verb in ("view", "add", "change", "delete")]


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


def login_as(page, username):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-secret-123")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def test_the_form_fits_its_event_types_url_and_offers_only_the_owners_accounts(page, live_server):
    owner = UserFactory(
        username="hooks_manager", is_staff=True, perms=[*WEBHOOK_ADMIN, "reasons.view_statusreason"]
    )
    AccountFactory(id="acme_support", name="Acme support").members.add(owner)
    AccountFactory(id="other_corp", name="Other corp")
    login_as(page, "hooks_manager")
    page.goto("/admin/webhooks/subscription/add/")

    # Each event type's label is one line at 1280 px: before, the admin's 160 px label column
    # broke them inside a word ("libredesk.status.update d").
    labels = page.locator("#id_event_types label")
    assert labels.count() >= 6
    for label in labels.all():
        lines = label.evaluate(
            """el => { const tops = new Set();
                 for (const node of el.childNodes) {
                   if (node.nodeType !== Node.TEXT_NODE || !node.textContent.trim()) continue;
                   const r = document.createRange(); r.selectNodeContents(node);
                   for (const b of r.getClientRects()) if (b.width > 0) tops.add(Math.round(b.top));
                 }
                 return tops.size; }"""
        )
        assert lines == 1, (label.inner_text(), lines, label.bounding_box())

    # A 60-character URL shows whole in the URL box.
    url = "https://hooks.example.com/portal/status-events?source=abc123"
    assert len(url) == 60
    page.fill("#id_url", url)
    field = page.locator("#id_url")
    shown = field.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert shown[0] <= shown[1], shown

    # The account is a choice among the owner's accounts only.
    account = page.locator("select#id_scope")
    expect(account).to_be_visible()
    options = account.locator("option").evaluate_all("os => os.map(o => o.value)")
    assert options == ["", "acme_support"]
    page.check('input[name=event_types][value="liveperson.reason.updated"]')
    account.select_option("acme_support")
    page.fill("#id_url", "http://127.0.0.1:9/hook")
    page.click("input[name=_save]")
    expect(page.locator("code.webhook-secret")).to_be_visible()
    made = Subscription.objects.get()
    assert made.scope == "acme_support" and made.owner == owner
