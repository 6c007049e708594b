"""Server-side request forgery: targets on non-public addresses are refused when the
subscription is saved and again, against the resolved address, at delivery time."""

import pytest
from django.db import transaction

from core.errors import DomainError
from tests.factories import ConversationStatusFactory
from tests.webhooks.receiver import start_receiver
from webhooks import http, queue, services
from webhooks.models import Attempt, Delivery

pytestmark = pytest.mark.django_db

PRIVATE = [
    "http://127.0.0.1:8000/hook",
    "http://localhost/hook",
    "http://10.1.2.3/hook",
    "http://192.168.0.10/hook",
    "http://172.16.5.4/hook",
    "http://100.64.0.1/hook",  # shared address space
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata (link-local)
    "http://0.0.0.0/hook",
    "http://[::1]/hook",
    "http://[fd00:ec2::254]/hook",  # AWS's IPv6 metadata address (unique local)
    "http://[::ffff:127.0.0.1]/hook",  # IPv4-mapped loopback
    "http://[fe80::1]/hook",
    "http://224.0.0.1/hook",
    "http://[2002:a9fe:a9fe::]/hook",  # 6to4 of 169.254.169.254
    "http://[64:ff9b::a9fe:a9fe]/hook",  # NAT64 of 169.254.169.254
    "http://[fec0::1]/hook",  # deprecated site-local
    "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook",  # Teredo
]


@pytest.fixture
def no_private(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False


@pytest.mark.parametrize("url", PRIVATE)
def test_a_subscription_to_a_non_public_address_is_refused(no_private, url):
    with pytest.raises(DomainError, match="non-public address"):
        services.subscription_create(url=url, event_types=["libredesk.status.created"])


def test_a_public_address_is_accepted(no_private):
    http.check("http://93.184.215.14/hook")


def test_the_check_is_repeated_at_delivery_time_against_the_resolved_address(settings):
    receiver = start_receiver()
    try:
        services.subscription_create(url=receiver.url, event_types=["libredesk.status.created"])
        settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
        with transaction.atomic():
            services.emit("conversation-status", "created", [ConversationStatusFactory()])
        queue.dispatch.call()
        assert queue.deliver.call(Delivery.objects.get().pk) == "failed"
        attempt = Attempt.objects.get()
        assert attempt.status_code is None and "non-public address (127.0.0.1)" in attempt.error
        assert receiver.requests == []
    finally:
        receiver.server.shutdown()


def test_production_targets_must_use_https(settings):
    settings.WEBHOOKS_REQUIRE_HTTPS = True
    with pytest.raises(DomainError, match="must use https"):
        services.subscription_create(
            url="http://127.0.0.1/hook", event_types=["libredesk.status.created"]
        )


@pytest.mark.parametrize(
    "url",
    ["ftp://127.0.0.1/x", "http://user:pw@127.0.0.1/x", "http:///nohost", "file:///etc/passwd"],
)
def test_other_schemes_credentials_and_hostless_urls_are_refused(url):
    with pytest.raises(DomainError):
        services.subscription_create(url=url, event_types=["libredesk.status.created"])


def test_an_internationalised_host_goes_out_in_its_ascii_form():
    target = http.parse("https://例え.jp/ほげ?x=1")
    assert target.host == "xn--r8jz45g.jp" and target.host_header == "xn--r8jz45g.jp"
    assert target.path.isascii() and target.path.endswith("?x=1")
