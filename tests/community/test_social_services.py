"""community.social, called directly: toggles and their counters (including the branch a
lost race takes), flags, the lists, the hidden filter and the moderation of flags."""

from contextlib import ExitStack, contextmanager
from unittest import mock

import pytest
from django.db import IntegrityError
from django.db.models import QuerySet

from community import services, social
from community.models import (
    FlagModeration,
    Media,
    Status,
    StatusFlag,
    StatusFollow,
    StatusHide,
    StatusVote,
)
from core.errors import DomainError, ForbiddenError, NotFoundError
from tests.community.factories import CategoryFactory, MediaFactory, StatusFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def counters(status):
    status = Status.objects.get(pk=status.pk)
    return status.vote_count, status.follower_count, status.flag_count


def test_status_for_marks_refuses_unknown_and_deleted():
    status = StatusFactory()
    assert social.status_for_marks(status_id=str(status.pk)).pk == status.pk
    for status_id in ["0", "x", "", None, str(StatusFactory(deleted=True).pk), "99999"]:
        with pytest.raises(NotFoundError):
            social.status_for_marks(status_id=status_id)


def test_toggles_move_their_counters():
    status, member = StatusFactory(), UserFactory()
    assert social.vote_toggle(status=status, user=member) is True
    assert social.follow_toggle(status=status, user=member) is True
    assert counters(status) == (1, 1, 0)
    assert social.vote_toggle(status=status, user=member) is False
    assert counters(status) == (0, 1, 0)
    assert social.hide_toggle(status=status, user=member) is True
    assert social.suspend_toggle(status=status, user=member) is True
    assert social.is_hidden(status=status, user=member)
    assert social.is_suspended(status=status, user=member)
    assert social.is_following(status=status, user=member)
    assert counters(status) == (0, 1, 0)  # hides and suspensions have no counter


def test_a_counter_set_below_its_rows_never_goes_negative():
    status, member = StatusFactory(), UserFactory()
    social.vote_toggle(status=status, user=member)
    Status.objects.filter(pk=status.pk).update(vote_count=0)  # as if edited by hand
    social.vote_toggle(status=status, user=member)
    assert counters(status)[0] == 0


def test_only_the_vote_reaction_exists():
    status, member = StatusFactory(), UserFactory()
    with pytest.raises(DomainError) as error:
        social.vote_toggle(status=status, user=member, reaction=2)
    assert (error.value.code, error.value.field, error.value.params) == (
        "not_found",
        "reaction",
        {"value": 2},
    )
    assert social.vote_toggle(status=status, user=member, reaction=1) is True


@contextmanager
def winner_commits_meanwhile(model, *methods):
    """A request that loses a race: the first `delete` (and `update`) of `model`'s rows
    it sends runs before a concurrent request of the same member commits the same mark, so
    it finds none; that mark (already in the database here) then fails its INSERT on the
    unique constraint."""
    real = {name: getattr(QuerySet, name) for name in methods}
    first = set(methods)

    def make(name):
        def method(self, *args, **kwargs):
            if self.model is model and name in first:
                first.discard(name)
                return (0, {}) if name == "delete" else 0
            return real[name](self, *args, **kwargs)

        return method

    with ExitStack() as stack:
        for name in methods:
            stack.enter_context(mock.patch.object(QuerySet, name, make(name)))
        yield


def test_a_toggle_that_loses_the_race_takes_the_other_branch():
    status, member = StatusFactory(), UserFactory()
    # The winner's vote, committed with its counter.
    StatusVote.objects.create(status=status, user=member)
    Status.objects.filter(pk=status.pk).update(vote_count=1)
    with winner_commits_meanwhile(StatusVote, "delete"):
        # This request meant to vote too; it takes the winner's vote back instead: two
        # toggles, no vote, and the counter is the number of rows.
        assert social.vote_toggle(status=status, user=member) is False
    assert not StatusVote.objects.exists()
    assert counters(status)[0] == 0


def test_a_flag_that_loses_the_race_decides_again():
    status, member = StatusFactory(), UserFactory()
    StatusFlag.objects.create(status=status, user=member, flag_type=3)
    Status.objects.filter(pk=status.pk).update(flag_count=1)
    with winner_commits_meanwhile(StatusFlag, "delete", "update"):
        # A concurrent flag of another type landed first: this one replaces its type.
        flag = social.flag_toggle(status=status, user=member, flag_type=1)
    assert flag.flag_type == 1 and StatusFlag.objects.get().flag_type == 1
    assert counters(status)[2] == 1


def test_endless_races_are_a_retry_later_not_a_500():
    from django.db import OperationalError

    status, member = StatusFactory(), UserFactory()
    with (
        mock.patch.object(
            StatusFollow.objects, "create", side_effect=IntegrityError("duplicate key")
        ),
        pytest.raises(OperationalError),
    ):
        social.follow_toggle(status=status, user=member)
    assert counters(status)[1] == 0


def test_flag_toggle_and_change():
    status, member = StatusFactory(), UserFactory()
    flag = social.flag_toggle(status=status, user=member, flag_type=0)
    assert (flag.flag_type, counters(status)[2]) == (0, 1)
    moderator = UserFactory(is_staff=True)
    social.flags_moderate(flags=[flag], decision=FlagModeration.IGNORED, actor=moderator)
    changed = social.flag_toggle(status=status, user=member, flag_type=3)
    # Another reason is a new report: its time and its moderation start afresh.
    assert changed.flag_type == 3 and changed.moderation == FlagModeration.PENDING
    assert changed.moderated_by is None and changed.added_at >= flag.added_at
    assert counters(status)[2] == 1
    assert social.flag_toggle(status=status, user=member, flag_type=3) is None
    assert counters(status)[2] == 0 and social.flag_of(status=status, user=member) is None
    with pytest.raises(DomainError):
        social.flag_toggle(status=status, user=member, flag_type=9)


def test_the_flags_are_for_moderators():
    status = StatusFactory()
    social.flag_toggle(status=status, user=UserFactory(), flag_type=1)
    with pytest.raises(ForbiddenError):
        social.status_flags(status=status, actor=UserFactory())
    assert social.status_flags(status=status, actor=UserFactory(is_staff=True)).count() == 1
    holder = UserFactory(perms=["community.change_status"])
    assert social.status_flags(status=status, actor=holder).count() == 1


@pytest.mark.parametrize(
    ("decision", "collapsed", "deleted"),
    [
        (FlagModeration.IGNORED, False, False),
        (FlagModeration.HIDDEN, True, False),
        (FlagModeration.DELETED, False, True),
    ],
)
def test_a_moderation_decision_is_about_the_post(decision, collapsed, deleted):
    status, other = StatusFactory(), StatusFactory()
    flags = [social.flag_toggle(status=status, user=UserFactory(), flag_type=t) for t in (0, 1, 2)]
    untouched = social.flag_toggle(status=other, user=UserFactory(), flag_type=0)
    moderator = UserFactory(is_staff=True)
    decided = social.flags_moderate(flags=flags[:1], decision=decision, actor=moderator)
    assert [s.pk for s in decided] == [status.pk]
    status.refresh_from_db()
    assert (status.collapsed, status.deleted) == (collapsed, deleted)
    for flag in StatusFlag.objects.filter(status=status):
        assert (flag.moderation, flag.moderated_by) == (decision, moderator)
        assert flag.moderated_at is not None
    untouched.refresh_from_db()
    assert untouched.moderation == FlagModeration.PENDING
    with pytest.raises(DomainError):
        social.flags_moderate(flags=flags, decision="pending", actor=moderator)


def test_lists():
    news = CategoryFactory()
    member = UserFactory()
    status = StatusFactory(categories=[news])
    related = StatusFactory(categories=[news])
    StatusFactory(categories=[news], deleted=True)
    StatusFactory(comment_count=1)
    assert list(social.related_statuses(status=status)) == [related]
    social.follow_toggle(status=related, user=member)
    social.follow_toggle(status=status, user=member)
    assert list(social.followed_statuses(user=member)) == [status, related]
    social.suspend_toggle(status=related, user=member)
    assert list(social.suspended_statuses(user=member)) == [related]
    assert set(social.uncommented_statuses()) == {status, related}
    assert list(social.status_contributors(status=status)) == [status.author]


def test_without_hidden_is_per_member():
    member, other = UserFactory(), UserFactory()
    hidden, kept = StatusFactory(), StatusFactory()
    StatusHide.objects.create(status=hidden, user=member)
    everything = Status.objects.all()
    assert set(social.without_hidden(everything, viewer=member)) == {kept}
    assert set(social.without_hidden(everything, viewer=other)) == {hidden, kept}
    assert set(social.without_hidden(everything, viewer=None)) == {hidden, kept}


def test_share_counts_follow_create_update_delete_and_restore():
    author = UserFactory()
    shared, other = StatusFactory(), StatusFactory()
    share = MediaFactory(owner=author, type=Media.Type.SHARE, url="", shared_object=shared)
    share_other = MediaFactory(owner=author, type=Media.Type.SHARE, url="", shared_object=other)
    category = CategoryFactory().pk

    def shares():
        return [Status.objects.get(pk=s.pk).share_count for s in (shared, other)]

    post = services.status_create(author=author, categories=[category], medias=[share.pk])
    assert shares() == [1, 0]
    assert list(social.status_shares(status=shared)) == [post]
    assert list(social.status_share_users(status=shared)) == [author]
    post = services.status_update(
        status=post, actor=author, categories=[category], medias=[share_other.pk]
    )
    assert shares() == [0, 1]
    services.status_delete(status=post, actor=author)
    assert shares() == [0, 0]
    services.status_delete(status=post, actor=author)  # already deleted: counted once
    assert shares() == [0, 0]
    services.status_restore(status=post, actor=author)
    services.status_restore(status=post, actor=author)
    assert shares() == [0, 1]
    assert list(social.status_share_users(status=other)) == [author]
