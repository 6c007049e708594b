"""The catalogue is a registry: domain apps register kinds and scopes, surfaces register
shapes, and one kind may be sent in a shape per surface."""

import json

import pytest
from django.db import transaction

from config.surfaces import SURFACES
from tests.factories import ConversationStatusFactory, webhook_owner
from tests.surfaces import event_shapes
from webhooks import catalogue, services
from webhooks.models import Delivery, Event

pytestmark = pytest.mark.django_db

HOOK = "http://127.0.0.1:9/hook"


@pytest.fixture
def second_shape(settings):
    settings.WEBHOOKS_EVENT_SHAPES = [
        *settings.WEBHOOKS_EVENT_SHAPES,
        "tests.webhooks.second_shape",
    ]


def test_the_kinds_come_from_the_domain_apps_and_the_prefixes_from_the_surfaces():
    assert {name: kind.model for name, kind in catalogue.KINDS.items()} == {
        "conversation-status": "statuses.ConversationStatus",
        "user-status": "statuses.UserStatus",
        "status-reason": "reasons.StatusReason",
        "community-status": "community.Status",
        "community-category": "community.Category",
    }
    assert catalogue.KINDS["status-reason"].scope == "account"


def conversation_status_prefixes():
    return [prefix for _tag, _kind, prefix in event_shapes("conversation-status")]


def test_the_shapes_in_use_are_exactly_the_ones_each_surface_says_it_registers():
    # Each surface's entry in config/surfaces.py names its modules (`events`) and the
    # shapes they register (`tests.events`): a shape that disappears, a stray one, or one
    # registered from another surface's module fails here.
    module_owner = {module: s.tag for s in SURFACES for module in s.events}
    found = [
        (module_owner.get(shape.module), kind, shape.prefix)
        for kind in catalogue.KINDS
        for shape in catalogue.shapes_of(kind)
    ]
    expected = [shape for kind in catalogue.KINDS for shape in event_shapes(kind)]
    assert found == expected
    # One kind, two surfaces' shapes: Libredesk's and Zendesk's of a conversation status.
    assert len({tag for tag, _kind, _prefix in event_shapes("conversation-status")}) >= 2


def test_one_kind_has_a_shape_per_surface_each_with_its_own_event_types(second_shape):
    assert [s.prefix for s in catalogue.shapes_of("conversation-status")] == [
        *conversation_status_prefixes(),
        "acme.ticket_status",
    ]
    assert "acme.ticket_status.updated" in catalogue.event_types()
    owner = webhook_owner()
    both = services.subscription_create(
        owner=owner,
        url=HOOK,
        event_types=["libredesk.status.created", "acme.ticket_status.created"],
    ).subscription
    acme_only = services.subscription_create(
        owner=owner, url=HOOK, event_types=["acme.ticket_status.created"]
    ).subscription
    status = ConversationStatusFactory(name="Waiting on vendor")
    with transaction.atomic():
        events = services.emit("conversation-status", "created", [status])
    by_type = {event.type: json.loads(event.body) for event in events}
    assert set(by_type) == {"libredesk.status.created", "acme.ticket_status.created"}
    libredesk, acme = by_type["libredesk.status.created"], by_type["acme.ticket_status.created"]
    assert libredesk["data"]["object"]["name"] == "Waiting on vendor"
    assert acme["data"]["object"] == {"label": "Waiting on vendor", "kind": status.category}
    # One change of the object: the same sequence number in both shapes.
    assert libredesk["data"]["sequence"] == acme["data"]["sequence"] == 1
    assert sorted(
        Delivery.objects.filter(subscription=both).values_list("event__type", flat=True)
    ) == [
        "acme.ticket_status.created",
        "libredesk.status.created",
    ]
    assert list(
        Delivery.objects.filter(subscription=acme_only).values_list("event__type", flat=True)
    ) == ["acme.ticket_status.created"]


def test_a_shape_nobody_subscribed_to_is_not_rendered(second_shape):
    from tests.webhooks.second_shape import RENDERED

    services.subscription_create(
        owner=webhook_owner(), url=HOOK, event_types=["libredesk.status.created"]
    )
    before = len(RENDERED)
    with transaction.atomic():
        events = services.emit("conversation-status", "created", [ConversationStatusFactory()])
    assert [event.type for event in events] == ["libredesk.status.created"]
    assert Event.objects.count() == 1
    assert len(RENDERED) == before


def test_a_shape_of_a_module_no_longer_configured_is_not_used(second_shape, settings):
    assert (
        len(catalogue.shapes_of("conversation-status")) == len(conversation_status_prefixes()) + 1
    )
    settings.WEBHOOKS_EVENT_SHAPES = [
        m for m in settings.WEBHOOKS_EVENT_SHAPES if m != "tests.webhooks.second_shape"
    ]
    assert [s.prefix for s in catalogue.shapes_of("conversation-status")] == (
        conversation_status_prefixes()
    )
    assert not any(t.startswith("acme.") for t in catalogue.event_types())
