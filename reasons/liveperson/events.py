"""Status reasons in webhook events: LivePerson's status reason object."""

from reasons.liveperson.serializers import reason_reply
from webhooks.catalogue import shape


@shape("status-reason")
def reasons(objects):
    return [reason_reply(reason) for reason in objects]
