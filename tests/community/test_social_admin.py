"""The flags members put on posts, in the admin: on the post admin (count, filter, the
post's flags) and in the flags admin, whose decisions (ignore, hide, delete) record the
moderation on the flags and act on the posts through the post services."""

import pytest
from django.contrib.auth.models import Permission

from community import social
from community.models import FlagModeration, FlagType, StatusFlag
from tests.community.factories import StatusFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
FLAGS = "/admin/community/statusflag/"
POSTS = "/admin/community/status/"


def flag(status, flag_type=FlagType.SPAM, user=None):
    return social.flag_toggle(status=status, user=user or UserFactory(), flag_type=flag_type)


def listed(client, url, **query):
    response = client.get(url, query)
    assert response.status_code == 200, response.content
    return {obj.pk for obj in response.context["cl"].result_list}


def test_the_post_admin_shows_and_filters_flagged_posts(admin_client):
    flagged, clean = StatusFactory(), StatusFactory()
    flag(flagged)
    flag(flagged, FlagType.VULGAR)
    assert listed(admin_client, POSTS, flagged="yes") == {flagged.pk}
    assert listed(admin_client, POSTS, flagged="no") == {clean.pk}
    html = admin_client.get(POSTS).content.decode()
    assert "column-flag_count" in html
    page = admin_client.get(f"{POSTS}{flagged.pk}/change/").content.decode()
    # The post's own page lists its flags, read-only.
    assert "vulgar" in page and "spam" in page
    assert 'name="flags-0-flag_type"' not in page


def test_the_flags_admin_filters_by_type_and_moderation(admin_client):
    spam = flag(StatusFactory(), FlagType.SPAM)
    poor = flag(StatusFactory(), FlagType.POOR)
    social.flags_moderate(flags=[poor], decision=FlagModeration.IGNORED, actor=UserFactory())
    assert listed(admin_client, FLAGS) == {spam.pk, poor.pk}
    assert listed(admin_client, FLAGS, flag_type__exact=FlagType.SPAM) == {spam.pk}
    assert listed(admin_client, FLAGS, moderation__exact="") == {spam.pk}
    assert listed(admin_client, FLAGS, moderation__exact="ignored") == {poor.pk}


@pytest.mark.parametrize(
    ("action", "decision", "collapsed", "deleted", "message"),
    [
        ("ignore", FlagModeration.IGNORED, False, False, "Flags of 1 post ignored."),
        ("hide", FlagModeration.HIDDEN, True, False, "1 flagged post hidden."),
        ("delete_posts", FlagModeration.DELETED, False, True, "1 flagged post deleted."),
    ],
)
def test_a_decision_records_the_moderation_and_acts_on_the_post(
    admin_client, admin_user, action, decision, collapsed, deleted, message
):
    status, other = StatusFactory(), StatusFactory()
    selected, sibling = flag(status), flag(status, FlagType.OFFTOPIC)
    untouched = flag(other)
    response = admin_client.post(
        FLAGS, {"action": action, "_selected_action": [selected.pk]}, follow=True
    )
    assert message in [str(m) for m in response.context["messages"]]
    status.refresh_from_db()
    assert (status.collapsed, status.deleted) == (collapsed, deleted)
    for decided in (selected, sibling):  # a decision is about the post: all its flags
        decided.refresh_from_db()
        assert (decided.moderation, decided.moderated_by) == (decision, admin_user)
        assert decided.moderated_at is not None
    untouched.refresh_from_db()
    assert untouched.moderation == FlagModeration.PENDING
    other.refresh_from_db()
    assert (other.collapsed, other.deleted) == (False, False)
    # The post's admin History says who decided, and what.
    history = admin_client.get(f"{POSTS}{status.pk}/history/").content.decode()
    assert admin_user.username in history


def test_flags_are_never_added_edited_or_deleted_in_the_admin(admin_client):
    one = flag(StatusFactory())
    assert admin_client.get(f"{FLAGS}add/").status_code == 403
    assert admin_client.post(f"{FLAGS}{one.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.post(f"{FLAGS}{one.pk}/change/", {"flag_type": 3}).status_code == 403
    assert StatusFlag.objects.get().flag_type == FlagType.SPAM


def staff_with(client, *codenames):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return user


def offered(client):
    """The actions the flags admin offers the signed-in user."""
    response = client.get(FLAGS)
    assert response.status_code == 200
    form = response.context["action_form"]
    return [] if form is None else [v for v, _label in form.fields["action"].choices if v]


def test_decisions_need_their_permissions(client):
    one = flag(StatusFactory())
    staff_with(client, "view_statusflag")
    assert offered(client) == []
    client.post(FLAGS, {"action": "ignore", "_selected_action": [one.pk]})
    one.refresh_from_db()
    assert one.moderation == FlagModeration.PENDING
    # The flags' change permission allows ignoring; hiding and deleting act on the post,
    # so they need the post moderation permission too.
    staff_with(client, "view_statusflag", "change_statusflag")
    assert offered(client) == ["ignore"]
    staff_with(client, "view_statusflag", "change_statusflag", "change_status")
    assert offered(client) == ["ignore", "hide", "delete_posts"]


def test_no_flags_admin_without_a_permission(client):
    staff_with(client)
    assert client.get(FLAGS).status_code == 403
