"""Status reasons in webhook events: LivePerson's status reason object."""

from django.utils.translation import gettext_lazy as _

from reasons.liveperson.serializers import reason_reply
from webhooks.catalogue import shape


@shape("status-reason", prefix="liveperson.reason", label=_("LivePerson status reason"))
def reasons(objects):
    return [reason_reply(reason) for reason in objects]
