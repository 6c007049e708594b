"""Rocket.Chat-compatible endpoints: login, me, logout and custom user statuses."""

import dataclasses

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from access.authentication import LoginTokenAuthentication
from access.services import login_token_issue, login_token_revoke, user_authenticate_password
from core.api import SurfaceView
from core.errors import DomainError
from core.permissions import require_perms
from statuses import selectors, services
from statuses.rocketchat import serializers as rc
from statuses.rocketchat.errors import ERRORS
from statuses.rocketchat.pagination import StatusPagination

# The one OpenAPI tag of every Rocket.Chat operation (config/surfaces.py orders the tags).
TAG = "Rocket.Chat"


class RocketChatView(SurfaceView):
    """Base of the Rocket.Chat surface: the login-token headers and the error body."""

    errors = ERRORS
    authentication_classes = [LoginTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]


class LoginView(RocketChatView):
    """Exchange a username (or email) and password for a login token."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "rocketchat-login"
    serializer_class = rc.RocketChatLoginBodySerializer

    @extend_schema(
        tags=[TAG],
        summary="Log in",
        operation_id="login",
        description="Body: `{user, password}` (a `user` containing @ is an email), "
        "`{username, password}` or `{email, password}`.",
        auth=[],
        request=rc.RocketChatLoginBodySerializer,
        responses={
            200: rc.RocketChatLoginReplySerializer,
            **ERRORS.responses(400),
            401: OpenApiResponse(
                rc.RocketChatLoginFailedSerializer, description="Wrong credentials"
            ),
            **ERRORS.responses(413, 415, 429),
        },
    )
    def post(self, request):
        body = self.read(rc.RocketChatLoginBodySerializer)
        user = None
        if body["login"] is not None and body["password"] is not None:
            user = user_authenticate_password(
                login=body["login"], password=body["password"], by_email=body["by_email"]
            )
        if user is None:
            return Response(
                {
                    "status": "error",
                    "error": "Unauthorized",
                    "message": _("Unauthorized"),
                    "success": False,
                },
                status=401,
            )
        issued = login_token_issue(user=user, user_agent=request.META.get("HTTP_USER_AGENT", ""))
        return Response(
            {
                "status": "success",
                "data": {
                    "userId": issued.user_id,
                    "authToken": issued.auth_token,
                    "me": rc.me_payload(user, request=request),
                },
                "success": True,
            }
        )


class MeView(RocketChatView):
    """The logged-in user."""

    @extend_schema(
        tags=[TAG],
        summary="Who am I",
        operation_id="me",
        responses={200: rc.RocketChatMeSerializer, **ERRORS.responses(401)},
    )
    def get(self, request):
        return Response({**rc.me_payload(request.user, request=request), "success": True})


class LogoutView(RocketChatView):
    """End the session of the token in the headers."""

    authentication_classes = [LoginTokenAuthentication]

    @extend_schema(
        tags=[TAG],
        summary="Log out",
        operation_id="logout",
        request=None,
        responses={200: rc.RocketChatLogoutReplySerializer, **ERRORS.responses(401)},
    )
    def post(self, request):
        login_token_revoke(token=request.auth)
        return Response({"status": "success", "data": {"message": _("You've been logged out!")}})

    @extend_schema(
        tags=[TAG],
        summary="Log out (GET)",
        operation_id="logoutGet",
        description="The same as POST: Rocket.Chat serves both, and `@rocket.chat/sdk` "
        "logs out with GET.",
        responses={200: rc.RocketChatLogoutReplySerializer, **ERRORS.responses(401)},
    )
    def get(self, request):
        return self.post(request)


def in_rocketchat_order(write, fields, *, exclude_id=None):
    """`write()` (a create or update of `fields`) with its failures in Rocket.Chat's order
    (insertOrUpdateUserStatus): the name's own rules, then whether the name is taken,
    then the status type.

    The services check the name, then the status type, and leave a taken name to the
    write's unique constraint. So when the status type fails (the name passed its rules),
    whether the name is taken is asked then, and reported first. The look-up runs on that
    failure only: a valid write still runs no SELECT before it."""
    try:
        return write()
    except DomainError as error:
        if error.field == "status_type" and selectors.user_status_name_in_use(
            name=fields.name, exclude_id=exclude_id
        ):
            raise services.user_status_name_taken() from None
        raise


def status_reply(status):
    """Rocket.Chat's reply carrying one custom user status."""
    return Response({"customUserStatus": rc.user_status_data(status), "success": True})


class UserStatusListView(RocketChatView):
    """Page through custom user statuses."""

    pagination_class = StatusPagination
    reply_generations = ("user-statuses",)

    @extend_schema(
        tags=[TAG],
        summary="List custom user statuses",
        operation_id="customUserStatusList",
        parameters=[
            OpenApiParameter(
                "offset",
                {"type": "integer", "minimum": 0, "maximum": rc.MAX_OFFSET, "example": 0},
                description="Default 0.",
            ),
            OpenApiParameter(
                "count",
                {"type": "integer", "minimum": 0, "example": 50},
                description="Default 50, at most 100; 0 means all.",
            ),
            OpenApiParameter("sort", str, description='JSON such as {"name":1}; 1 or -1.'),
            OpenApiParameter("name", str, description="Case-insensitive substring."),
            OpenApiParameter("_id", str, description="Exact id."),
            OpenApiParameter("query", str, description=str(rc.QUERY_HELP)),
        ],
        description="Any other query parameter (such as `fields`) is a 400 `invalid-params`.",
        responses={200: rc.RocketChatStatusListSerializer, **ERRORS.responses(400, 401)},
    )
    def get(self, request):
        return self.cached_reply(self.page)

    def page(self):
        query = self.read(rc.ListQuerySerializer, data=self.request.query_params)
        # Rocket.Chat has no inactive statuses: a deactivated one (Genesys) is not listed.
        statuses = services.user_status_list(
            **query["filters"], active=True, order_by=query.get("sort", ("name", "id"))
        )
        rows = statuses.values_list(*rc.USER_STATUS_COLUMNS)
        page = self.paginator.paginate_queryset(rows, self.request, view=self, paging=query)
        return self.get_paginated_response(rc.user_status_rows(page)).data


class UserStatusCreateView(RocketChatView):
    """Create a custom user status (Rocket.Chat's manage-user-status)."""

    permission_classes = [require_perms("statuses.add_userstatus")]
    serializer_class = rc.UserStatusCreateSerializer

    @extend_schema(
        tags=[TAG],
        summary="Create a custom user status",
        operation_id="customUserStatusCreate",
        request=rc.UserStatusCreateSerializer,
        responses={
            200: rc.RocketChatStatusReplySerializer,
            **ERRORS.responses(400, 401, 403, 413, 415),
        },
    )
    def post(self, request):
        fields = services.UserStatusFields(**self.read(rc.UserStatusCreateSerializer))
        status = in_rocketchat_order(lambda: services.user_status_create(fields=fields), fields)
        return status_reply(status)


class UserStatusUpdateView(RocketChatView):
    """Rename a custom user status or change its type (kept when `statusType` is left
    out). Its other fields (presence, active, division: the Genesys wire's) are kept, and a
    system presence of another status type gives way to the new type's canonical one."""

    permission_classes = [require_perms("statuses.change_userstatus")]
    serializer_class = rc.UserStatusUpdateSerializer

    @extend_schema(
        tags=[TAG],
        summary="Update a custom user status",
        operation_id="customUserStatusUpdate",
        description="Without `statusType` the status keeps its type.",
        request=rc.UserStatusUpdateSerializer,
        responses={
            200: rc.RocketChatStatusReplySerializer,
            **ERRORS.responses(400, 401, 403, 413, 415),
        },
    )
    def post(self, request):
        body = self.read(rc.UserStatusUpdateSerializer)
        with transaction.atomic():
            # The fields this wire does not send stay what they are (the type too, when left
            # out): the row is locked from that read to the write, so a change made meanwhile
            # by another request is not undone. A deactivated status is unknown here.
            current = services.user_status_get(
                status_id=body["status_id"], lock=True, active_only=True
            )
            status_type = body.get("status_type", current.status_type)
            fields = dataclasses.replace(
                services.fields_of(services.UserStatusFields, current),
                name=body["name"],
                status_type=status_type,
                # Meal survives a rename under `away`; another type resets it.
                system_presence=services.user_status_presence_for(current, status_type),
            )
            status = in_rocketchat_order(
                lambda: services.user_status_update(status=current, fields=fields),
                fields,
                exclude_id=current.pk,
            )
        return status_reply(status)


class UserStatusDeleteView(RocketChatView):
    """Delete a custom user status."""

    permission_classes = [require_perms("statuses.delete_userstatus")]
    serializer_class = rc.UserStatusDeleteSerializer

    @extend_schema(
        tags=[TAG],
        summary="Delete a custom user status",
        operation_id="customUserStatusDelete",
        request=rc.UserStatusDeleteSerializer,
        responses={
            200: rc.RocketChatSuccessSerializer,
            **ERRORS.responses(400, 401, 403, 413, 415),
        },
    )
    def post(self, request):
        # A deactivated status is unknown here, as to the list.
        services.user_status_delete(**self.read(rc.UserStatusDeleteSerializer), active_only=True)
        return Response({"success": True})
