"""LivePerson-compatible endpoints: account login/logout and agent status reasons."""

from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny, BasePermission, DjangoModelPermissions
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core.errors import DomainError, ForbiddenError
from core.ids import is_plain_decimal, parse_digits
from reasons import services
from reasons.authentication import AccountBearerAuthentication
from reasons.liveperson import serializers as lp
from reasons.liveperson.errors import LivePersonErrorSerializer, liveperson_exception_handler
from reasons.models import AccountBearer, StatusReason
from reasons.selectors import account_list_for
from reasons.services import account_bearer_issue, account_bearer_revoke

TAG = "LivePerson: agent status reasons"
TAG_LOGIN = "LivePerson: login"


def _errors(*codes):
    text = {
        400: "Bad input; `errors` names each field (`[2].text` for an array item)",
        401: "Not authenticated",
        403: "Not a member of this account, another account's bearer, or no permission",
        404: "Unknown or deleted id",
        409: "Text already used, or a stale If-Match revision; nothing written",
        413: "Body too large",
        415: "A body in a media type the route does not read (JSON, or the browsable API's forms)",
        429: "Too many login attempts from this address; `Retry-After` says when to retry",
    }
    return {
        code: OpenApiResponse(LivePersonErrorSerializer, description=text[code]) for code in codes
    }


V = OpenApiParameter("v", OpenApiTypes.NUMBER, required=True, description="API version, e.g. 1.0")
INCLUDE_DELETED = OpenApiParameter(
    "include_deleted", OpenApiTypes.BOOL, description="Include soft-deleted reasons."
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    description="Expected `ac-revision`; a stale one gives 409. `-1` skips the check.",
)
METHOD_OVERRIDE = OpenApiParameter(
    "X-HTTP-Method-Override",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    enum=["PUT", "DELETE"],
    description="On POST: act as PUT or DELETE.",
)
AC_REVISION = OpenApiParameter(
    "ac-revision",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    response=True,
    description="The account's reason-collection revision after this request.",
)
ONE_OR_MANY = PolymorphicProxySerializer(
    component_name="ReasonOneOrMany",
    serializers=[lp.ReasonWriteSerializer, lp.ReasonWriteSerializer(many=True)],
    resource_type_field_name=None,
    many=False,
)
ONE_OR_MANY_REPLY = PolymorphicProxySerializer(
    component_name="ReasonOneOrManyReply",
    serializers=[lp.ReasonSerializer, lp.ReasonSerializer(many=True)],
    resource_type_field_name=None,
    many=False,
)


class IsAccountMember(BasePermission):
    """The bearer belongs to the account in the path; a session user is one of its members.

    A bearer used on another account's path is refused whether that account exists or not.
    """

    def has_permission(self, request, view):
        account_id = view.kwargs["account_id"]
        if isinstance(request.auth, AccountBearer):
            if request.auth.account_id != account_id:
                return False
            view.account = request.auth.account
            self.member_of(view)
            return True
        user = request.user
        if not (user and user.is_authenticated):
            return False
        view.account = account_list_for(user=user).filter(pk=account_id).first()
        if view.account is None:
            return False
        self.member_of(view)
        return True

    @staticmethod
    def member_of(view):
        """Once membership is known, replies (a 403 for missing permissions too) carry
        the account's revision; another account's revision is never shown."""
        view.revision = view.account.revision


class ReasonPermissions(DjangoModelPermissions):
    """Django model permissions on status reasons; reading needs the view permission."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }


class BodyOnDeleteSchema(AutoSchema):
    """drf-spectacular documents a request body only for POST, PUT and PATCH, but the bulk
    delete reads one (an array of ids): document the body its `request=` names."""

    def _get_request_body(self, direction="request"):
        if self.method != "DELETE":
            return super()._get_request_body(direction)
        request = self.get_request_serializer()
        if not isinstance(request, dict):
            return None
        content = {media_type: {"schema": schema} for media_type, schema in request.items()}
        return {"content": content, "required": True}


class LivePersonView(APIView):
    """Base of the LivePerson surface: bearer or session, membership, `v`, `ac-revision`."""

    schema = BodyOnDeleteSchema()
    authentication_classes = [AccountBearerAuthentication, SessionAuthentication]
    permission_classes = [IsAccountMember, ReasonPermissions]
    queryset = StatusReason.objects.all()
    revision = None

    def get_exception_handler(self):
        return liveperson_exception_handler

    def initialize_request(self, request, *args, **kwargs):
        # LivePerson's convention for clients that can only POST.
        override = request.META.get("HTTP_X_HTTP_METHOD_OVERRIDE", "").upper()
        if request.method == "POST" and override in {"PUT", "DELETE"}:
            request.method = override
        return super().initialize_request(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not is_plain_decimal(request.query_params.get("v")):
            raise DomainError(
                _("The query parameter v (API version, a number) is required"),
                field="v",
            )

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.revision is not None:
            response["ac-revision"] = str(self.revision)
        return response

    def if_match(self):
        """The If-Match revision, or None when absent."""
        raw = self.request.headers.get("If-Match")
        if raw is None:
            return None
        raw = raw.strip().removeprefix("W/").strip('"')
        revision = services.ANY_REVISION if raw == str(services.ANY_REVISION) else parse_digits(raw)
        if revision is None:
            raise DomainError(_("If-Match must be a revision number"), field="If-Match")
        return revision

    def include_deleted(self):
        return self.request.query_params.get("include_deleted", "").lower() == "true"

    def written(self, result, *, many, status=200, headers=None):
        """Reply with what a write touched, and remember the new revision for the header."""
        self.revision = result.revision
        data = lp.ReasonSerializer(result.reasons, many=True).data
        return Response(data if many else data[0], status=status, headers=headers)

    def body_list(self):
        data = self.request.data
        if not isinstance(data, list):
            raise DomainError(_("The body must be a JSON array"), details={"errors": []})
        return data


class ReasonCollectionView(LivePersonView):
    """List, create, bulk-update and bulk-delete an account's reasons."""

    @extend_schema(
        tags=[TAG],
        operation_id="listStatusReasons",
        summary="List status reasons",
        parameters=[V, INCLUDE_DELETED, AC_REVISION],
        responses={200: lp.ReasonSerializer(many=True), **_errors(400, 401, 403)},
    )
    def get(self, request, account_id):
        reasons = services.reason_list(
            account_id=self.account.pk, include_deleted=self.include_deleted()
        )
        return Response(lp.ReasonSerializer(reasons, many=True).data)

    @extend_schema(
        tags=[TAG],
        operation_id="createStatusReasons",
        summary="Create one status reason or an array of them",
        description="All or nothing. At most 1,000 items. A single object comes back with a "
        "`Location` header; an array comes back in request order.",
        parameters=[V, IF_MATCH, METHOD_OVERRIDE, AC_REVISION],
        request=ONE_OR_MANY,
        # 404: with X-HTTP-Method-Override the request is a bulk update or delete.
        responses={200: ONE_OR_MANY_REPLY, **_errors(400, 401, 403, 404, 409, 413, 415)},
    )
    def post(self, request, account_id):
        data = request.data
        single = isinstance(data, dict)
        result = services.reason_create_many(
            account_id=self.account.pk,
            items=[data] if single else self.body_list(),
            single=single,
            if_match=self.if_match(),
        )
        headers = None
        if single:
            location = f"{request.path}/{result.reasons[0].pk}?v={request.query_params['v']}"
            headers = {"Location": request.build_absolute_uri(location)}
        return self.written(result, many=not single, headers=headers)

    @extend_schema(
        tags=[TAG],
        operation_id="updateStatusReasons",
        summary="Bulk full-replace update",
        description="An array of full objects with `id`. All or nothing.",
        parameters=[V, IF_MATCH, AC_REVISION],
        request=lp.ReasonBulkUpdateItemSerializer(many=True),
        responses={
            200: lp.ReasonSerializer(many=True),
            **_errors(400, 401, 403, 404, 409, 413, 415),
        },
    )
    def put(self, request, account_id):
        result = services.reason_update_many(
            account_id=self.account.pk, items=self.body_list(), if_match=self.if_match()
        )
        return self.written(result, many=True)

    @extend_schema(
        tags=[TAG],
        operation_id="deleteStatusReasons",
        summary="Bulk soft delete",
        description="An array of ids. All or nothing. Returns the deleted reasons.",
        parameters=[V, IF_MATCH, AC_REVISION],
        request={"application/json": {"type": "array", "items": {"type": "integer"}}},
        responses={
            200: lp.ReasonSerializer(many=True),
            **_errors(400, 401, 403, 404, 409, 413, 415),
        },
    )
    def delete(self, request, account_id):
        result = services.reason_delete_many(
            account_id=self.account.pk, ids=self.body_list(), if_match=self.if_match()
        )
        return self.written(result, many=True)


class ReasonDetailView(LivePersonView):
    """Read, replace or soft-delete one reason."""

    @extend_schema(
        tags=[TAG],
        operation_id="getStatusReason",
        summary="Get a status reason",
        parameters=[V, INCLUDE_DELETED, AC_REVISION],
        responses={200: lp.ReasonSerializer, **_errors(400, 401, 403, 404)},
    )
    def get(self, request, account_id, reason_id):
        reason = services.reason_get(
            account_id=self.account.pk, reason_id=reason_id, include_deleted=self.include_deleted()
        )
        return Response(lp.ReasonSerializer(reason).data)

    @extend_schema(
        tags=[TAG],
        operation_id="updateStatusReason",
        summary="Replace a status reason",
        parameters=[V, IF_MATCH, METHOD_OVERRIDE, AC_REVISION],
        request=lp.ReasonWriteSerializer,
        responses={200: lp.ReasonSerializer, **_errors(400, 401, 403, 404, 409, 413, 415)},
    )
    def put(self, request, account_id, reason_id):
        data = request.data
        if not isinstance(data, dict):
            raise DomainError(_("The body must be a JSON object"), details={"errors": []})
        reason = services.reason_get(account_id=self.account.pk, reason_id=reason_id)  # 404 first
        result = services.reason_update_many(
            account_id=self.account.pk,
            items=[{**data, "id": reason.pk}],
            single=True,
            if_match=self.if_match(),
        )
        return self.written(result, many=False)

    @extend_schema(
        tags=[TAG],
        operation_id="deleteStatusReason",
        summary="Soft-delete a status reason",
        parameters=[V, IF_MATCH, AC_REVISION],
        request=None,
        responses={200: lp.ReasonSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def delete(self, request, account_id, reason_id):
        result = services.reason_delete(
            account_id=self.account.pk, reason_id=reason_id, if_match=self.if_match()
        )
        return self.written(result, many=False)


class LoginView(APIView):
    """Log a member into an account: a bearer valid for that account only."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "liveperson-login"

    def get_exception_handler(self):
        return liveperson_exception_handler

    @extend_schema(
        tags=[TAG_LOGIN],
        operation_id="accountLogin",
        summary="Log in to an account",
        auth=[],
        parameters=[OpenApiParameter("v", OpenApiTypes.NUMBER, description="e.g. 1.3")],
        request=lp.LivePersonLoginBodySerializer,
        responses={200: lp.LivePersonLoginReplySerializer, **_errors(400, 401, 413, 415, 429)},
    )
    def post(self, request, account_id):
        data = request.data
        if not isinstance(data, dict):
            raise DomainError(_("The body must be a JSON object"), details={"errors": []})
        username, password = data.get("username"), data.get("password")
        issued = None
        if isinstance(username, str) and isinstance(password, str):
            try:
                issued = account_bearer_issue(
                    account_id=account_id, username=username, password=password
                )
            except DomainError:
                issued = None
        if issued is None:
            return Response(
                {"message": _("Wrong username or password, or not a member"), "errors": []},
                status=401,
            )
        return Response(
            {
                "bearer": issued.bearer,
                "config": {
                    "userId": str(issued.user.pk),
                    "loginName": issued.user.get_username(),
                    "accountId": issued.account_id,
                },
            }
        )


class LogoutView(APIView):
    """End the bearer's session."""

    authentication_classes = [AccountBearerAuthentication]

    def get_exception_handler(self):
        return liveperson_exception_handler

    @extend_schema(
        tags=[TAG_LOGIN],
        operation_id="accountLogout",
        summary="Log out",
        request=None,
        responses={200: OpenApiResponse(description="Logged out"), **_errors(401, 403)},
    )
    def post(self, request, account_id):
        if request.auth.account_id != account_id:
            raise ForbiddenError(_("This bearer belongs to another account"))
        account_bearer_revoke(bearer=request.auth)
        return Response({})
