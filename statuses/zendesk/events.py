"""Conversation statuses in webhook events, in the shape of Zendesk's custom status object,
next to Libredesk's shape of the same objects (one outbox row, one event per shape that
somebody subscribed to). `url` is site-relative: an event has no request to take a host
from (as SelfCommunity's media URLs in its events)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from statuses.zendesk.serializers import custom_status_data
from webhooks.catalogue import shape


@shape("conversation-status", prefix="zendesk.custom_status", label=_("Zendesk custom status"))
def custom_statuses(objects):
    prefix = reverse("zendesk-custom-status-list")
    return [custom_status_data(status, f"{prefix}/{status.pk}.json") for status in objects]
