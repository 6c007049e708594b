"""Rocket.Chat-compatible endpoints: login, me, logout and custom user statuses."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from access.authentication import LoginTokenAuthentication
from access.services import login_token_issue, login_token_revoke, user_authenticate_password
from core.api import first_error_field, first_error_message
from core.errors import DomainError
from core.permissions import require_perms
from statuses import services
from statuses.rocketchat import serializers as rc
from statuses.rocketchat.errors import (
    RocketChatErrorSerializer,
    RocketChatUnauthorizedSerializer,
    rocketchat_exception_handler,
)

TAG_SESSION = "Rocket.Chat: session"
TAG_STATUS = "Rocket.Chat: custom user statuses"


def errors(*codes):
    """OpenAPI responses for the given error codes, in Rocket.Chat's shapes."""
    described = {
        400: OpenApiResponse(RocketChatErrorSerializer, description="A failed rule or bad params"),
        401: OpenApiResponse(RocketChatUnauthorizedSerializer, description="Not logged in"),
        403: OpenApiResponse(RocketChatErrorSerializer, description="`error-unauthorized`"),
        413: OpenApiResponse(RocketChatErrorSerializer, description="Body too large"),
        415: OpenApiResponse(
            RocketChatErrorSerializer, description="A body that is not JSON (or a form)"
        ),
        429: OpenApiResponse(RocketChatErrorSerializer, description="`error-too-many-requests`"),
    }
    return {code: described[code] for code in codes}


class RocketChatView(APIView):
    """Base of the Rocket.Chat surface: the login-token headers and the error body."""

    authentication_classes = [LoginTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]

    def get_exception_handler(self):
        return rocketchat_exception_handler


class LoginView(RocketChatView):
    """Exchange a username (or email) and password for a login token."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "rocketchat-login"

    @extend_schema(
        tags=[TAG_SESSION],
        summary="Log in",
        operation_id="login",
        description="Body: `{user, password}` (a `user` containing @ is an email), "
        "`{username, password}` or `{email, password}`.",
        auth=[],
        request=rc.RocketChatLoginBodySerializer,
        responses={
            200: rc.RocketChatLoginReplySerializer,
            400: errors(400)[400],
            401: OpenApiResponse(
                rc.RocketChatLoginFailedSerializer, description="Wrong credentials"
            ),
            **errors(413, 415, 429),
        },
    )
    def post(self, request):
        data = request.data
        if not isinstance(data, dict):
            raise DomainError(_("must be object"), code=rc.INVALID_PARAMS)
        login, by_email = data.get("user"), False
        if isinstance(login, str):
            by_email = "@" in login
        elif isinstance(data.get("username"), str):
            login = data["username"]
        elif isinstance(data.get("email"), str):
            login, by_email = data["email"], True
        password = data.get("password")
        user = None
        if isinstance(login, str) and isinstance(password, str):
            user = user_authenticate_password(login=login, password=password, by_email=by_email)
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
                    "me": rc.me_payload(user),
                },
                "success": True,
            }
        )


class MeView(RocketChatView):
    """The logged-in user."""

    @extend_schema(
        tags=[TAG_SESSION],
        summary="Who am I",
        operation_id="me",
        responses={200: rc.RocketChatMeSerializer, **errors(401)},
    )
    def get(self, request):
        return Response({**rc.me_payload(request.user), "success": True})


class LogoutView(RocketChatView):
    """End the session of the token in the headers."""

    authentication_classes = [LoginTokenAuthentication]

    @extend_schema(
        tags=[TAG_SESSION],
        summary="Log out",
        operation_id="logout",
        request=None,
        responses={200: rc.RocketChatLogoutReplySerializer, **errors(401)},
    )
    def post(self, request):
        login_token_revoke(token=request.auth)
        return Response({"status": "success", "data": {"message": _("You've been logged out!")}})


def status_reply(status):
    return Response({"customUserStatus": rc.UserStatusSerializer(status).data, "success": True})


class UserStatusListView(RocketChatView):
    """Page through custom user statuses."""

    @extend_schema(
        tags=[TAG_STATUS],
        summary="List custom user statuses",
        operation_id="customUserStatusList",
        parameters=[
            OpenApiParameter("offset", int, description="Default 0."),
            OpenApiParameter("count", int, description="Default 50, at most 100."),
            OpenApiParameter("sort", str, description='JSON such as {"name":1}; 1 or -1.'),
            OpenApiParameter("name", str, description="Case-insensitive substring."),
            OpenApiParameter("_id", str),
        ],
        responses={200: rc.RocketChatStatusListSerializer, **errors(400, 401)},
    )
    def get(self, request):
        query = rc.ListQuerySerializer(data=request.query_params)
        if not query.is_valid():
            field = first_error_field(query.errors)
            raise DomainError(
                f"{field}: {first_error_message(query.errors)}", code=rc.INVALID_PARAMS
            )
        params = query.validated_data
        statuses = services.user_status_list(
            name=params.get("name"),
            status_id=params.get("_id"),
            order_by=params.get("sort") or ("name", "id"),
        )
        offset, count = params["offset"], params["count"]
        page = list(statuses[offset : offset + count])
        return Response(
            {
                "statuses": rc.UserStatusSerializer(page, many=True).data,
                "count": len(page),
                "offset": offset,
                "total": statuses.count(),
                "success": True,
            }
        )


class UserStatusCreateView(RocketChatView):
    """Create a custom user status (Rocket.Chat's manage-user-status)."""

    permission_classes = [require_perms("statuses.add_userstatus")]

    @extend_schema(
        tags=[TAG_STATUS],
        summary="Create a custom user status",
        operation_id="customUserStatusCreate",
        request=rc.RocketChatCreateBodySerializer,
        responses={200: rc.RocketChatStatusReplySerializer, **errors(400, 401, 403, 413, 415)},
    )
    def post(self, request):
        body = rc.read_body(request, allowed=("name", "statusType"))
        status = services.user_status_create(name=body["name"], status_type=body["statusType"])
        return status_reply(status)


class UserStatusUpdateView(RocketChatView):
    """Rename a custom user status or change its type."""

    permission_classes = [require_perms("statuses.change_userstatus")]

    @extend_schema(
        tags=[TAG_STATUS],
        summary="Update a custom user status",
        operation_id="customUserStatusUpdate",
        request=rc.RocketChatUpdateBodySerializer,
        responses={200: rc.RocketChatStatusReplySerializer, **errors(400, 401, 403, 413, 415)},
    )
    def post(self, request):
        body = rc.read_body(request, allowed=("_id", "name", "statusType"), required=("_id",))
        status = services.user_status_get_for_update(status_id=body["_id"])
        status = services.user_status_update(
            status=status, name=body["name"], status_type=body["statusType"]
        )
        return status_reply(status)


class UserStatusDeleteView(RocketChatView):
    """Delete a custom user status."""

    permission_classes = [require_perms("statuses.delete_userstatus")]

    @extend_schema(
        tags=[TAG_STATUS],
        summary="Delete a custom user status",
        operation_id="customUserStatusDelete",
        request=rc.RocketChatDeleteBodySerializer,
        responses={200: rc.RocketChatSuccessSerializer, **errors(400, 401, 403, 413, 415)},
    )
    def post(self, request):
        body = rc.read_body(request, allowed=("customUserStatusId",))
        if not body["customUserStatusId"]:
            raise DomainError(_('The "customUserStatusId" params is required!'), code="")
        services.user_status_delete(status_id=body["customUserStatusId"])
        return Response({"success": True})
