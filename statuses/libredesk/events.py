"""Conversation statuses in webhook events: the shape of Libredesk's Status object."""

from django.utils.translation import gettext_lazy as _

from statuses.libredesk.serializers import status_data
from webhooks.catalogue import shape


@shape("conversation-status", prefix="libredesk.status", label=_("Libredesk conversation status"))
def statuses(objects):
    return [status_data(status) for status in objects]
