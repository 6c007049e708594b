"""A member's marks on status posts: votes, follows, flags, hides and suspended notifications,
the lists they make, and the moderation of flags.

Each mark is one row per member and status (the models' unique constraints). Toggling a
mark deletes the member's row, or else inserts one, and moves the status's counter
(`vote_count`, `follower_count`, `flag_count`) by one with an `F()` expression in the same
transaction: the counter is always the number of rows, whatever runs at the same time. Two
requests of one member racing to insert the same mark meet at the unique constraint; the
loser's insert fails (in a savepoint) and it takes the toggle's other branch, deleting the
row the winner wrote, as it would have had it come second. So a double click votes and
un-votes, and no race is a 500 or a wrong count.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, OperationalError, models, transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from community import selectors, services
from community.models import (
    FlagModeration,
    FlagType,
    MediaType,
    Status,
    StatusFlag,
    StatusFollow,
    StatusHide,
    StatusSuspend,
    StatusVote,
)
from core import cache
from core.errors import DomainError, ErrorCode, ForbiddenError, NotFoundError
from core.ids import parse_id

User = get_user_model()

# The one reaction of the portal: the vote (SelfCommunity's default reaction has id 1).
VOTE_REACTION = 1

# How often a toggle is tried again when racing requests of the same member keep taking
# the row it meant to insert (each failure needs another concurrent request to commit).
TOGGLE_ATTEMPTS = 8

# Who may read the flags of a post: staff, or members with this permission.
MODERATE_PERMISSION = "community.change_status"


@dataclass(frozen=True)
class Mark:
    """A kind of mark: its model and the status counter it moves (None: no counter)."""

    model: type[models.Model]
    counter: str | None


VOTE = Mark(StatusVote, "vote_count")
FOLLOW = Mark(StatusFollow, "follower_count")
FLAG = Mark(StatusFlag, "flag_count")
HIDE = Mark(StatusHide, None)
SUSPEND = Mark(StatusSuspend, None)


def status_for_marks(*, status_id: object) -> Status:
    """The status a mark route names (as read from a path), with only its id and author:
    unknown or deleted is NotFoundError, as for the status's own route."""
    found = (
        Status.objects.filter(pk=parse_id(status_id), deleted=False).only("id", "author_id").first()
    )
    if found is None:
        raise NotFoundError(_("Status post not found."), params={"model": "status"})
    return found


def _count(status_id: int, counter: str | None, delta: int) -> None:
    if counter is None:
        return
    # Never below zero: a counter set by hand below its rows stays a valid count.
    Status.objects.filter(pk=status_id).update(**{counter: Greatest(F(counter) + delta, 0)})


def _changed() -> None:
    # The status lists show the counters and the caller's marks, and leave hidden posts out.
    cache.bump(services.STATUS_LISTS)


def _raced() -> OperationalError:
    # Unreachable in practice: every failed insert needs another request of the same member
    # to have committed the same mark meanwhile. Answered as "try again shortly" (503).
    return OperationalError("a mark kept changing under concurrent requests")


def _toggle(mark: Mark, *, status: Status, user, **fields) -> bool:
    """Delete the member's mark on `status`, or insert one with `fields`; whether the
    member has it now."""
    rows = mark.model.objects.filter(status_id=status.pk, user_id=user.pk)
    for _attempt in range(TOGGLE_ATTEMPTS):
        with transaction.atomic():
            removed, _by_model = rows.delete()
            if removed:
                _count(status.pk, mark.counter, -1)
                _changed()
                return False
            try:
                with transaction.atomic():
                    mark.model.objects.create(status_id=status.pk, user_id=user.pk, **fields)
            except IntegrityError:
                continue  # a concurrent request of this member inserted it: remove it
            _count(status.pk, mark.counter, +1)
            _changed()
            return True
    raise _raced()


def _check_reaction(reaction: int | None) -> None:
    if reaction is not None and reaction != VOTE_REACTION:
        raise DomainError(
            _("There is no reaction with id %(value)s.") % {"value": reaction},
            code=ErrorCode.NOT_FOUND,
            field="reaction",
            params={"value": reaction},
        )


def vote_toggle(*, status: Status, user, reaction: int | None = None) -> bool:
    """Vote for `status`, or take the vote back; `reaction` is None or the vote's id (1),
    the portal's only reaction. Whether the member votes for it now."""
    _check_reaction(reaction)
    return _toggle(VOTE, status=status, user=user, reaction=VOTE_REACTION)


def follow_toggle(*, status: Status, user) -> bool:
    """Follow `status`, or stop following it; whether the member follows it now."""
    return _toggle(FOLLOW, status=status, user=user)


def hide_toggle(*, status: Status, user) -> bool:
    """Hide `status` from the member's lists, or show it again; whether it is hidden now."""
    return _toggle(HIDE, status=status, user=user)


def suspend_toggle(*, status: Status, user) -> bool:
    """Suspend the member's notifications about `status`, or resume them; whether they
    are suspended now."""
    return _toggle(SUSPEND, status=status, user=user)


def flag_toggle(*, status: Status, user, flag_type: int) -> StatusFlag | None:
    """Flag `status` for the moderators with a reason (`FlagType`). The same reason again
    takes the flag back (None); another reason replaces it, as a new report (its time and
    any moderation start afresh). The member's flag as it is now."""
    if flag_type not in FlagType.values:
        raise DomainError(
            _("%(value)s is not a valid flag type.") % {"value": flag_type},
            code=ErrorCode.INVALID_CHOICE,
            field="flag_type",
            params={"value": flag_type},
        )
    rows = StatusFlag.objects.filter(status_id=status.pk, user_id=user.pk)
    for _attempt in range(TOGGLE_ATTEMPTS):
        with transaction.atomic():
            removed, _by_model = rows.filter(flag_type=flag_type).delete()
            if removed:
                _count(status.pk, FLAG.counter, -1)
                _changed()
                return None
            report = {
                "flag_type": flag_type,
                "added_at": timezone.now(),
                "moderation": FlagModeration.PENDING,
                "moderated_at": None,
                "moderated_by": None,
            }
            if rows.update(**report):
                _changed()  # no counter moves, but the list cache is retired all the same
                return rows.first()
            try:
                with transaction.atomic():
                    flag = StatusFlag.objects.create(status_id=status.pk, user_id=user.pk, **report)
            except IntegrityError:
                continue  # a concurrent request of this member flagged it: decide again
            _count(status.pk, FLAG.counter, +1)
            _changed()
            return flag
    raise _raced()


def _has(mark: Mark, *, status: Status, user) -> bool:
    return mark.model.objects.filter(status_id=status.pk, user_id=user.pk).exists()


def is_following(*, status: Status, user) -> bool:
    """Whether the member follows `status`."""
    return _has(FOLLOW, status=status, user=user)


def is_hidden(*, status: Status, user) -> bool:
    """Whether the member hid `status`."""
    return _has(HIDE, status=status, user=user)


def is_suspended(*, status: Status, user) -> bool:
    """Whether the member suspended the notifications about `status`."""
    return _has(SUSPEND, status=status, user=user)


def flag_of(*, status: Status, user) -> StatusFlag | None:
    """The member's flag on `status`, if any."""
    return StatusFlag.objects.filter(status_id=status.pk, user_id=user.pk).first()


# --- lists --------------------------------------------------------------------------------


def is_moderator(user) -> bool:
    """Whether `user` may read the flags of posts: staff, or the change permission."""
    return bool(user.is_staff or user.has_perm(MODERATE_PERMISSION))


def status_flags(*, status: Status, actor) -> QuerySet[StatusFlag]:
    """The flags of `status`, newest first, each with its member and profile; moderators
    only (`permission_denied`)."""
    if not is_moderator(actor):
        raise ForbiddenError(_("Only moderators may read the flags of a status post."))
    return (
        StatusFlag.objects.filter(status_id=status.pk)
        .select_related("user", "user__community_profile")
        .only("added_at", "flag_type", "user", *_member_columns("user__"))
        .order_by("-added_at", "-id")
    )


def status_votes(*, status: Status, reaction: int | None = None) -> QuerySet[StatusVote]:
    """The votes of `status`, newest first, each with its member and profile; `reaction`
    filters by reaction (an unknown one is `not_found` on `reaction`)."""
    _check_reaction(reaction)
    votes = StatusVote.objects.filter(status_id=status.pk)
    if reaction is not None:
        votes = votes.filter(reaction=reaction)
    return (
        votes.select_related("user", "user__community_profile")
        .only("added_at", "user", *_member_columns("user__"))
        .order_by("-added_at", "-id")
    )


def _listed(statuses: QuerySet[Status]) -> QuerySet[Status]:
    return statuses.filter(deleted=False)


def _marked(related: str, user) -> QuerySet[Status]:
    """The statuses the member marked (`related`: the marks' name on Status), the latest
    mark first: one join, the mark being one per member and status."""
    return _listed(Status.objects.filter(**{f"{related}__user_id": user.pk})).order_by(
        f"-{related}__added_at", "-id"
    )


def followed_statuses(*, user) -> QuerySet[Status]:
    """The statuses the member follows, the latest followed first."""
    return _marked("follows", user)


def suspended_statuses(*, user) -> QuerySet[Status]:
    """The statuses whose notifications the member suspended, the latest first."""
    return _marked("suspends", user)


def uncommented_statuses() -> QuerySet[Status]:
    """The statuses nobody commented on, newest first."""
    return _listed(Status.objects.filter(comment_count=0)).order_by("-added_at", "-id")


def related_statuses(*, status: Status) -> QuerySet[Status]:
    """Other statuses published in a category of `status` (its categories include their
    ancestors), newest first."""
    links = Status.categories.through.objects
    categories = links.filter(status_id=status.pk).values("category_id")
    related = links.filter(category_id__in=categories).values("status_id")
    return (
        _listed(Status.objects.filter(pk__in=related))
        .exclude(pk=status.pk)
        .order_by("-added_at", "-id")
    )


def _sharing_ids(status: Status) -> QuerySet:
    """The ids of the statuses that carry a share media of `status`."""
    return Status.medias.through.objects.filter(
        media__type=MediaType.SHARE, media__shared_object_id=status.pk
    ).values("status_id")


def status_shares(*, status: Status) -> QuerySet[Status]:
    """The statuses that share `status` (a `share` media of it), newest first."""
    return _listed(Status.objects.filter(pk__in=_sharing_ids(status))).order_by("-added_at", "-id")


def _member_columns(prefix: str = "") -> list[str]:
    """The columns a member's reply shows (its profile's too), for `only()`: never the
    password hash or the e-mail."""
    profile = f"{prefix}community_profile__"
    return [
        *(f"{prefix}{column}" for column in selectors.AUTHOR_COLUMNS),
        *(f"{profile}{column}" for column in selectors.PROFILE_COLUMNS),
    ]


def _members(users: QuerySet) -> QuerySet:
    return (
        users.select_related("community_profile")
        .only(*_member_columns())
        .order_by("username", "id")
    )


def status_share_users(*, status: Status) -> QuerySet:
    """The authors of the statuses that share `status`, by username."""
    authors = _listed(Status.objects.filter(pk__in=_sharing_ids(status))).values("author_id")
    return _members(User.objects.filter(pk__in=authors))


def status_contributors(*, status: Status) -> QuerySet:
    """Who contributed to `status`: its author (the portal has no comments, SelfCommunity's
    other contributors)."""
    return _members(User.objects.filter(pk=status.author_id))


def without_hidden(statuses: QuerySet[Status], *, viewer) -> QuerySet[Status]:
    """`statuses` without those `viewer` hid (all of them for an anonymous viewer)."""
    if viewer is None or not viewer.is_authenticated:
        return statuses
    hides = StatusHide.objects.filter(user_id=viewer.pk, status_id=OuterRef("pk"))
    return statuses.filter(~Exists(hides))


# --- moderation ---------------------------------------------------------------------------


def flags_moderate(*, flags: Iterable[StatusFlag], decision: str, actor) -> list[Status]:
    """A moderator's decision about the posts of `flags`: `ignored` leaves a post as it is,
    `hidden` collapses it, `deleted` soft-deletes it (`services.status_collapse`,
    `status_delete`). The decision is about the post, so every flag of it records it, with
    when and by whom. The posts decided on."""
    if decision not in (FlagModeration.IGNORED, FlagModeration.HIDDEN, FlagModeration.DELETED):
        raise DomainError(
            _("%(value)s is not a moderation decision.") % {"value": decision},
            code=ErrorCode.INVALID_CHOICE,
            field="moderation",
            params={"value": decision},
        )
    status_ids = sorted({flag.status_id for flag in flags})
    decided = []
    for status in Status.objects.filter(pk__in=status_ids).order_by("pk"):
        with transaction.atomic():
            if decision == FlagModeration.HIDDEN and not status.collapsed:
                services.status_collapse(status=status, actor=actor)
            elif decision == FlagModeration.DELETED and not status.deleted:
                services.status_delete(status=status, actor=actor)
            StatusFlag.objects.filter(status_id=status.pk).update(
                moderation=decision, moderated_at=timezone.now(), moderated_by=actor
            )
        decided.append(status)
    return decided
