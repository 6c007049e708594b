"""SelfCommunity routes of a member's marks on a status (vote, follow, flag, hide, suspend)
and of a status's other lists (contributors, related, shares, shares' authors; the
statuses I follow, whose notifications I suspended, and the uncommented ones).

A toggle is a POST that answers 204: the same request again undoes it. Every route that
names a status answers 404 `not_found` for an unknown or deleted one, as its own route
does. The pages of statuses go through `StatusView.status_page`, so they leave out what
the caller hid and show the caller's `voted`, `followed` and `suspended`.
"""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response

from community import social
from community.selfcommunity import replies
from community.selfcommunity import serializers as sc
from community.selfcommunity.errors import ERRORS
from community.selfcommunity.views import TAG, SelfCommunityView, StatusView

TOGGLED = OpenApiResponse(description="Done; the same request again undoes it.")
REACTION = OpenApiParameter(
    "reaction",
    {"type": "integer", "minimum": 1, "example": 1},
    description="The reaction's id: the portal's only reaction is the vote, 1 (the "
    "default); any other id is a 400 `does_not_exist` on `reaction`.",
)


class StatusMarkView(SelfCommunityView):
    """Base of the routes about one status's marks and lists."""

    serializer_class = None

    def marked_status(self):
        return social.status_for_marks(status_id=self.kwargs["status_id"])

    def page_of(self, queryset, reply):
        """One page of `queryset`, each item written by `reply`."""
        items = self.paginate_queryset(queryset)
        return self.get_paginated_response([reply(item) for item in items])


class StatusListsView(StatusView):
    """Base of the routes that answer a page of statuses."""

    def marked_status(self):
        return social.status_for_marks(status_id=self.kwargs["status_id"])


# --- vote -----------------------------------------------------------------------------------


class StatusVoteView(StatusMarkView):
    """Vote for a status (or take the vote back), and the page of its votes."""

    anonymous_read = True

    @extend_schema(
        tags=[TAG],
        summary="List the votes of a status post",
        operation_id="statusVoteList",
        description="Newest first.",
        parameters=[REACTION],
        responses={200: sc.SCVoteSerializer(many=True), **ERRORS.responses(400, 401, 404)},
    )
    def get(self, request, status_id):
        status = self.marked_status()
        query = self.read(sc.SCVoteQuerySerializer, data=request.query_params)
        votes = social.status_votes(status=status, reaction=query.get("reaction"))
        return self.page_of(votes, replies.vote_reply)

    @extend_schema(
        tags=[TAG],
        summary="Vote for a status post, or take the vote back",
        operation_id="statusVote",
        description="Toggles the caller's vote (`vote_count` and `voted` follow).",
        parameters=[REACTION],
        request=None,
        responses={204: TOGGLED, **ERRORS.responses(400, 401, 403, 404, 429)},
    )
    def post(self, request, status_id):
        status = self.marked_status()
        query = self.read(sc.SCVoteQuerySerializer, data=request.query_params)
        social.vote_toggle(status=status, user=request.user, reaction=query.get("reaction"))
        return Response(status=204)


# --- follow ---------------------------------------------------------------------------------


class StatusFollowView(StatusMarkView):
    """Follow a status, or stop following it."""

    @extend_schema(
        tags=[TAG],
        summary="Follow a status post, or stop following it",
        operation_id="statusFollow",
        request=None,
        responses={204: TOGGLED, **ERRORS.responses(401, 403, 404, 429)},
    )
    def post(self, request, status_id):
        social.follow_toggle(status=self.marked_status(), user=request.user)
        return Response(status=204)


class StatusFollowingView(StatusMarkView):
    """Whether the caller follows a status."""

    @extend_schema(
        tags=[TAG],
        summary="Whether I follow a status post",
        operation_id="statusFollowing",
        responses={200: sc.SCFollowingStatusSerializer, **ERRORS.responses(401, 404)},
    )
    def get(self, request, status_id):
        following = social.is_following(status=self.marked_status(), user=request.user)
        return Response({"following": following})


class StatusFollowedListView(StatusListsView):
    """The statuses the caller follows."""

    @extend_schema(
        tags=[TAG],
        summary="List the status posts I follow",
        operation_id="statusFollowedList",
        description="The latest followed first.",
        responses={200: sc.SCStatusSerializer(many=True), **ERRORS.responses(401)},
    )
    def get(self, request):
        return self.status_page(social.followed_statuses(user=request.user))


# --- flag -----------------------------------------------------------------------------------


class StatusFlagView(StatusMarkView):
    """Flag a status for the moderators, and the page of its flags (moderators only)."""

    @extend_schema(
        tags=[TAG],
        summary="List the flags of a status post",
        operation_id="statusFlagList",
        description="Moderators only (staff, or the `community.change_status` permission); "
        "newest first.",
        responses={200: sc.SCFlagSerializer(many=True), **ERRORS.responses(401, 403, 404)},
    )
    def get(self, request, status_id):
        flags = social.status_flags(status=self.marked_status(), actor=request.user)
        return self.page_of(flags, replies.flag_reply)

    @extend_schema(
        tags=[TAG],
        summary="Flag a status post, change or take back the flag",
        operation_id="statusFlag",
        description="A flag type the caller has not given flags the post (or replaces the "
        "caller's flag); the caller's own flag type again takes the flag back. A POST "
        "without `flag_type` (as the SDK's `feedObjectFlagList` sends) is a 400.",
        request=sc.SCFlagWriteSerializer,
        responses={204: TOGGLED, **ERRORS.responses(400, 401, 403, 404, 413, 415, 429)},
    )
    def post(self, request, status_id):
        status = self.marked_status()
        body = self.read(sc.SCFlagWriteSerializer)
        social.flag_toggle(status=status, user=request.user, flag_type=body["flag_type"])
        return Response(status=204)


class StatusFlagStatusView(StatusMarkView):
    """The caller's flag on a status."""

    @extend_schema(
        tags=[TAG],
        summary="My flag on a status post",
        operation_id="statusFlagStatus",
        description="`{}` when I have not flagged it.",
        responses={200: sc.SCFlagStatusSerializer, **ERRORS.responses(401, 404)},
    )
    def get(self, request, status_id):
        flag = social.flag_of(status=self.marked_status(), user=request.user)
        return Response(replies.flag_status_reply(flag))


# --- hide -----------------------------------------------------------------------------------


class StatusHideView(StatusMarkView):
    """Hide a status from the caller's lists, or show it again."""

    @extend_schema(
        tags=[TAG],
        summary="Hide a status post from my lists, or show it again",
        operation_id="statusHide",
        description="A hidden post leaves the caller's lists (list, search, following, "
        "suspended, related, shares, uncommented); its own route still answers.",
        request=None,
        responses={204: TOGGLED, **ERRORS.responses(401, 403, 404, 429)},
    )
    def post(self, request, status_id):
        social.hide_toggle(status=self.marked_status(), user=request.user)
        return Response(status=204)


class StatusHideStatusView(StatusMarkView):
    """Whether the caller hid a status."""

    @extend_schema(
        tags=[TAG],
        summary="Whether I hid a status post",
        operation_id="statusHideStatus",
        responses={200: sc.SCHiddenStatusSerializer, **ERRORS.responses(401, 404)},
    )
    def get(self, request, status_id):
        hidden = social.is_hidden(status=self.marked_status(), user=request.user)
        return Response({"hidden": hidden})


# --- suspend --------------------------------------------------------------------------------


class StatusSuspendView(StatusMarkView):
    """Suspend the caller's notifications about a status, or resume them."""

    @extend_schema(
        tags=[TAG],
        summary="Suspend my notifications about a status post, or resume them",
        operation_id="statusSuspend",
        request=None,
        responses={204: TOGGLED, **ERRORS.responses(401, 403, 404, 429)},
    )
    def post(self, request, status_id):
        social.suspend_toggle(status=self.marked_status(), user=request.user)
        return Response(status=204)


class StatusSuspendedView(StatusMarkView):
    """Whether the caller suspended the notifications about a status."""

    @extend_schema(
        tags=[TAG],
        summary="Whether I suspended the notifications about a status post",
        operation_id="statusSuspended",
        responses={200: sc.SCSuspendedStatusSerializer, **ERRORS.responses(401, 404)},
    )
    def get(self, request, status_id):
        suspended = social.is_suspended(status=self.marked_status(), user=request.user)
        return Response({"suspended": suspended})


class StatusSuspendedListView(StatusListsView):
    """The statuses whose notifications the caller suspended."""

    @extend_schema(
        tags=[TAG],
        summary="List the status posts whose notifications I suspended",
        operation_id="statusSuspendedList",
        description="The latest suspended first.",
        responses={200: sc.SCStatusSerializer(many=True), **ERRORS.responses(401)},
    )
    def get(self, request):
        return self.status_page(social.suspended_statuses(user=request.user))


# --- lists ----------------------------------------------------------------------------------


class StatusContributorsView(StatusMarkView):
    """Who contributed to a status."""

    anonymous_read = True

    @extend_schema(
        tags=[TAG],
        summary="List the contributors of a status post",
        operation_id="statusContributors",
        description="Its author: the portal has no comments, whose authors SelfCommunity "
        "also counts.",
        responses={200: sc.SCUserSerializer(many=True), **ERRORS.responses(401, 404)},
    )
    def get(self, request, status_id):
        users = social.status_contributors(status=self.marked_status())
        return self.page_of(users, replies.user_reply)


class StatusRelatedView(StatusListsView):
    """Other statuses published in a category of a status."""

    anonymous_read = True

    @extend_schema(
        tags=[TAG],
        summary="List the status posts related to a status post",
        operation_id="statusRelated",
        description="Other posts in any of its categories (their parents included), newest first.",
        responses={200: sc.SCStatusSerializer(many=True), **ERRORS.responses(401, 404)},
    )
    def get(self, request, status_id):
        return self.status_page(social.related_statuses(status=self.marked_status()))


class StatusSharesView(StatusListsView):
    """The statuses that share a status."""

    anonymous_read = True

    @extend_schema(
        tags=[TAG],
        summary="List the shares of a status post",
        operation_id="statusShares",
        description="The posts with a `share` media of it, newest first.",
        responses={200: sc.SCStatusSerializer(many=True), **ERRORS.responses(401, 404)},
    )
    def get(self, request, status_id):
        return self.status_page(social.status_shares(status=self.marked_status()))


class StatusSharesUsersView(StatusMarkView):
    """Who shared a status."""

    anonymous_read = True

    @extend_schema(
        tags=[TAG],
        summary="List the members who shared a status post",
        operation_id="statusSharesUsers",
        description="The authors of its shares, by username.",
        responses={200: sc.SCUserSerializer(many=True), **ERRORS.responses(401, 404)},
    )
    def get(self, request, status_id):
        users = social.status_share_users(status=self.marked_status())
        return self.page_of(users, replies.user_reply)


class StatusUncommentedView(StatusListsView):
    """The statuses nobody commented on."""

    @extend_schema(
        tags=[TAG],
        summary="List the uncommented status posts",
        operation_id="statusUncommented",
        description="Newest first.",
        responses={200: sc.SCStatusSerializer(many=True), **ERRORS.responses(401)},
    )
    def get(self, request):
        return self.status_page(social.uncommented_statuses())
