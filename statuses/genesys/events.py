"""Custom user statuses in webhook events, in the shape of Genesys Cloud's presence
definition, next to Rocket.Chat's shape of the same objects (one outbox row, one event per
shape somebody subscribed to). A Genesys DELETE is a deactivation: an `updated` event."""

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from statuses.genesys.serializers import definition_data
from webhooks.catalogue import shape


@shape("user-status", prefix="genesys.presence_definition", label=_("Genesys presence definition"))
def presence_definitions(objects):
    objects = list(objects)
    prefetch_related_objects(objects, "translations")
    return [definition_data(status) for status in objects]
