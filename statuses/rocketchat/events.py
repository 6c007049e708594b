"""Custom user statuses in webhook events: Rocket.Chat's custom user status object."""

from django.utils.translation import gettext_lazy as _

from statuses.rocketchat.serializers import user_status_data
from webhooks.catalogue import shape


@shape("user-status", prefix="rocketchat.user_status", label=_("Rocket.Chat custom user status"))
def user_statuses(objects):
    return [user_status_data(status) for status in objects]
