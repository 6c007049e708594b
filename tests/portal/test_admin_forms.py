"""Every admin page's forms are forms a browser keeps: none inside another (a browser drops the
inner one, and its buttons then send nothing, as "Send test event" once did), and every
`form="..."` attribute names a form of the page.

The pages are the list, add and change pages of every model in the admin site's registry,
loaded as a superuser with the demo data and a few objects more, so that change pages exist.
"""

from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.test import Client, RequestFactory
from django.urls import reverse

from access.services import api_key_issue
from core.demo import load_demo_data
from tests.community.factories import CategoryFactory, StatusFactory, TagFactory
from tests.factories import (
    AccountFactory,
    ConversationStatusFactory,
    StatusReasonFactory,
    UserFactory,
    UserStatusFactory,
)
from webhooks import services as webhook_services

pytestmark = pytest.mark.django_db


class FormCheck(HTMLParser):
    """Collects forms opened inside an open form, the ids of forms, and `form=` attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open_forms: list[str] = []
        self.nested: list[str] = []
        self.form_ids: set[str] = set()
        self.references: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            name = attrs.get("id") or attrs.get("action") or "(unnamed)"
            if self.open_forms:
                self.nested.append(f"form {name!r} inside form {self.open_forms[-1]!r}")
            self.open_forms.append(name)
            if attrs.get("id"):
                self.form_ids.add(attrs["id"])
        elif "form" in attrs:
            self.references.append((tag, attrs["form"] or ""))

    def handle_endtag(self, tag):
        if tag == "form" and self.open_forms:
            self.open_forms.pop()


def problems(html: str) -> list[str]:
    check = FormCheck()
    check.feed(html)
    check.close()
    found = list(check.nested)
    found += [
        f"<{tag} form={name!r}> names no form of the page"
        for tag, name in check.references
        if name not in check.form_ids
    ]
    return found


def test_the_checker_sees_a_nested_form_and_a_dangling_form_attribute():
    assert problems('<form id="a"><form id="b"></form></form>') == ["form 'b' inside form 'a'"]
    assert problems('<form id="a"></form><button form="b">') == [
        "<button form='b'> names no form of the page"
    ]
    assert problems('<form id="a"></form><form id="b"></form><button form="b">') == []


@pytest.fixture
def superuser(admin_user):
    """The superuser's client, with an object of every model a factory or service makes."""
    load_demo_data(admin=admin_user)
    account = AccountFactory(id="forms_acct")
    account.members.add(admin_user)
    StatusReasonFactory(account=account)
    ConversationStatusFactory()
    UserStatusFactory()
    CategoryFactory()
    TagFactory()
    StatusFactory()
    api_key_issue(user=UserFactory(is_staff=True), actor=admin_user)
    subscription = webhook_services.subscription_create(
        owner=admin_user, url="http://127.0.0.1:9/hook", event_types=["libredesk.status.created"]
    ).subscription
    webhook_services.send_test_event(subscription=subscription)
    client = Client()
    client.force_login(admin_user)
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    return client, request


def admin_pages(request):
    """(name, URL) of the list, add and change page of every registered model."""
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        yield f"{opts.label} list", reverse(f"{prefix}_changelist")
        if model_admin.has_add_permission(request):
            yield f"{opts.label} add", reverse(f"{prefix}_add")
        obj = model_admin.get_queryset(request).order_by("pk").first()
        if obj is not None:
            yield f"{opts.label} change", reverse(f"{prefix}_change", args=[quote(obj.pk)])


def test_no_admin_page_has_a_form_in_a_form_or_a_form_attribute_naming_no_form(superuser):
    client, request = superuser
    pages = list(admin_pages(request))
    names = {name for name, _url in pages}
    # The page the rule was written for, and a few others with forms of their own, are seen.
    assert {
        "webhooks.Subscription change",
        "statuses.ConversationStatus change",
        "reasons.StatusReason change",
        "auth.User change",
    } <= names
    failures = []
    for name, url in pages:
        response = client.get(url)
        if response.status_code != 200:
            failures.append(f"{name} {url}: HTTP {response.status_code}")
            continue
        failures += [f"{name} {url}: {problem}" for problem in problems(response.text)]
    assert not failures, "\n".join(failures)
