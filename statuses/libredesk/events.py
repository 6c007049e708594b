"""Conversation statuses in webhook events: the shape of Libredesk's Status object."""

from statuses.libredesk.serializers import status_data
from webhooks.catalogue import shape


@shape("conversation-status")
def statuses(objects):
    return [status_data(status) for status in objects]
