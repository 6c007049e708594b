"""Status posts and categories in webhook events: SelfCommunity's Status and Category
objects, as its API replies with them (media images as site-relative URLs: an event has
no request to take a host from)."""

from django.utils.translation import gettext_lazy as _

from community import selectors
from community.models import Status
from community.selfcommunity.replies import category_reply, status_reply
from webhooks.catalogue import shape


@shape("community-status", prefix="community.status", label=_("SelfCommunity status post"))
def statuses(objects):
    ids = [status.pk for status in objects]
    rows = selectors.status_values(Status.objects.filter(pk__in=ids))
    by_id = {status["id"]: status for status in selectors.status_page(list(rows))}
    return [status_reply(by_id[pk], None) for pk in ids]


@shape("community-category", prefix="community.category", label=_("SelfCommunity category"))
def categories(objects):
    details = selectors.category_details(category.pk for category in objects)
    return [category_reply(details[category.pk]) for category in objects]
