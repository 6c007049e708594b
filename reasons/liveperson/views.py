"""LivePerson-compatible endpoints: the Login Service (login, refresh, logout) and agent
status reasons."""

import re
import secrets
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import exceptions, serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import (
    SAFE_METHODS,
    AllowAny,
    BasePermission,
    DjangoModelPermissions,
)
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.versioning import QueryParameterVersioning

from core.api import SurfaceView
from core.ids import is_plain_decimal
from reasons import services
from reasons.authentication import AccountBearerAuthentication
from reasons.liveperson import serializers as lp
from reasons.liveperson.authentication import (
    SESSION_COOKIE,
    AccountSessionAuthentication,
    session_cookie_path,
)
from reasons.liveperson.errors import ACCOUNT_ID_INVALID, ERRORS, LOGIN_ERRORS
from reasons.liveperson.oauth1 import ApiKeyAuthentication
from reasons.models import (
    ACCOUNT_ID_PATTERN,
    Account,
    AccountApiKey,
    AccountBearer,
    KeyPermission,
    StatusReason,
)
from reasons.selectors import (
    account_list_for,
    reason_get,
    reason_list_values,
)
from reasons.services import ReasonChange, ReasonFields

# The one OpenAPI tag of every LivePerson operation (config/surfaces.py orders the tags).
TAG = "LivePerson"

V = OpenApiParameter(
    "v",
    OpenApiTypes.NUMBER,
    default=1.0,
    description="API version, e.g. 1.0 (the default). Not a plain decimal number: 400.",
)
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


class LivePersonVersioning(QueryParameterVersioning):
    """LivePerson's `v` query parameter: a plain decimal number such as `1.0` or `2.0`.

    The vendor's overview calls it required with a default of 1.0, and real clients omit it:
    a missing `v` is 1.0. One that is present but not a plain decimal number is a 400.
    """

    version_param = "v"
    default_version = "1.0"
    invalid_version_message = _("The query parameter v (API version) must be a number")

    def is_allowed_version(self, version):
        return is_plain_decimal(version)

    def determine_version(self, request, *args, **kwargs):
        try:
            return super().determine_version(request, *args, **kwargs)
        except exceptions.NotFound:
            # Bad input that names the parameter (400), not DRF's unknown version (404).
            message = self.invalid_version_message
            raise exceptions.ValidationError({self.version_param: [message]}) from None


ACCOUNT_ID = re.compile(ACCOUNT_ID_PATTERN)


def check_account_id(account_id: str) -> None:
    """A path's accountId that no account can have (LivePerson's site ids: 1 to 20
    letters, digits or _) is bad input: 400, as LivePerson answers it."""
    if not ACCOUNT_ID.fullmatch(account_id):
        raise exceptions.ValidationError({"accountId": [ACCOUNT_ID_INVALID]})


class WellFormedAccountId(BasePermission):
    """The accountId of the path is one an account can have (else 400). Asked once the
    caller is authenticated: a stranger gets its 401 whatever the path says."""

    def has_permission(self, request, view):
        if request.successful_authenticator is None and not request.user.is_authenticated:
            return True  # the next permission refuses it: 401
        check_account_id(view.kwargs["account_id"])
        return True


def key_permission(auth) -> str | None:
    """The permission of the API key behind a credential: the key itself, or the session
    its Application Login started; None for a user's own login."""
    if isinstance(auth, AccountApiKey):
        return auth.permission
    return getattr(auth, "api_key_permission", None)


class WithinKeyPermission(BasePermission):
    """A read-only API key (and its sessions) may read, not write: 403, as LivePerson
    answers a key without the read-write permission."""

    def has_permission(self, request, view):
        if key_permission(request.auth) == KeyPermission.READ_ONLY:
            return request.method in SAFE_METHODS
        return True


class IsAccountMember(BasePermission):
    """The caller may work on the account in the path (see LivePersonView.is_member)."""

    def has_permission(self, request, view):
        return view.is_member()


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


class LivePersonView(SurfaceView):
    """Base of the LivePerson surface: its error body, and whose the account in the path is."""

    errors = ERRORS
    # What the browsable API's forms show; the routes read their bodies with self.read.
    # (Not `serializer_class`: OPTIONS describes no body on these routes, as before.)
    form_serializer = serializers.Serializer

    def get_serializer_class(self):
        return self.form_serializer

    def is_member(self) -> bool:
        """Whether the caller may work on the account in the path: a bearer's own account
        (another account's path is refused whether it exists or not; no query), or one the
        session user may work on (reasons.selectors.account_list_for; its row is read)."""
        if not hasattr(self, "_member"):
            account_id = self.kwargs["account_id"]
            if isinstance(self.request.auth, AccountBearer | AccountApiKey):
                # A credential of one account: a session, or an API key.
                self._member = self.request.auth.account_id == account_id
            else:
                accounts = account_list_for(user=self.request.user)
                self._account = accounts.filter(pk=account_id).first()
                self._member = self._account is not None
        return self._member

    def get_account(self) -> Account | None:
        """The account in the path if the caller may work on it (its row, read once), else
        None."""
        if not self.is_member():
            return None
        if getattr(self, "_account", None) is None:
            self._account = self.request.auth.account
        return self._account

    @property
    def account(self) -> Account:
        return self.get_account()

    @property
    def account_key(self) -> Account:
        """The account in the path, once the caller may work on it, for the services that
        read only its key (and lock its row themselves): its row is not read for them."""
        account = getattr(self, "_account", None)
        return account if account is not None else Account(pk=self.kwargs["account_id"])


class ReasonView(LivePersonView):
    """Base of the reason routes: bearer or session, membership and model permissions, `v`,
    `If-Match`, LivePerson's method override, and the `ac-revision` header."""

    schema = BodyOnDeleteSchema()
    authentication_classes = [
        AccountBearerAuthentication,
        ApiKeyAuthentication,
        SessionAuthentication,
    ]
    permission_classes = [
        WellFormedAccountId,
        IsAccountMember,
        ReasonPermissions,
        WithinKeyPermission,
    ]
    versioning_class = LivePersonVersioning
    queryset = StatusReason.objects.all()
    form_serializer = lp.ReasonWriteSerializer
    revision = None  # the account's revision after this request's write, or as read

    def initialize_request(self, request, *args, **kwargs):
        # LivePerson's convention for clients that can only POST.
        override = request.META.get("HTTP_X_HTTP_METHOD_OVERRIDE", "").upper()
        if request.method == "POST" and override in {"PUT", "DELETE"}:
            request.method = override
        return super().initialize_request(request, *args, **kwargs)

    def determine_version(self, request, *args, **kwargs):
        # Read in initial(), once the caller is known: a stranger gets its 401 or 403
        # whatever `v` it sends, and a member's 400 carries the revision.
        return (None, None)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        version, scheme = super().determine_version(request, *args, **kwargs)
        request.version, request.versioning_scheme = version, scheme

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Once membership is known, every reply carries the revision (a 403 for a missing
        # permission too); another account's revision is never shown.
        if response.has_header("ac-revision"):  # a reply that carries its own (a cached list)
            return response
        revision = self.revision
        if revision is None and getattr(self, "_member", False):
            try:
                revision = self.get_account().revision
            except DatabaseError:  # the database is what failed (this reply is its 503)
                revision = None
        if revision is not None:
            response["ac-revision"] = str(revision)
        return response

    def check_shape(self, *, many: bool) -> None:
        """Refuse a body that is not one object (or, with `many`, not an array) before
        anything else about the write is read, `If-Match` included."""
        if isinstance(self.request.data, list if many else Mapping):
            return  # what the serializer would pass as it is, without making one
        self.read(lp.ArrayShapeSerializer if many else lp.ObjectShapeSerializer)

    def if_match(self) -> int | None:
        """The revision the client expects (If-Match); None for none, or for `-1`."""
        if "If-Match" not in self.request.headers:
            return None
        return self.read(lp.PreconditionSerializer, data=self.request.headers).get("if_match")

    def include_deleted(self) -> bool:
        return self.request.query_params.get("include_deleted", "").lower() == "true"

    def written(self, result: services.Written, *, many: bool, headers=None) -> Response:
        """Reply with what a write touched, and remember the new revision for the header."""
        self.revision = result.revision
        data = [lp.reason_reply(reason) for reason in result.reasons]
        return Response(data if many else data[0], headers=headers)


class ReasonCollectionView(ReasonView):
    """List, create, bulk-update and bulk-delete an account's reasons."""

    @extend_schema(
        tags=[TAG],
        operation_id="listStatusReasons",
        summary="List status reasons",
        parameters=[V, INCLUDE_DELETED, AC_REVISION],
        responses={200: lp.ReasonSerializer(many=True), **ERRORS.responses(400, 401, 403)},
    )
    def get(self, request, account_id):
        return self.cached_reply(self.list_reply)

    def get_reply_generations(self):
        return (services.reason_lists(self.kwargs["account_id"]), services.ALL_REASON_LISTS)

    def list_reply(self) -> tuple[list[dict], dict]:
        """The list and its `ac-revision` header, from one query: the revision and the
        reasons' columns (what a reply cache would keep together)."""
        self.revision, rows = reason_list_values(
            account_id=self.kwargs["account_id"],
            fields=lp.REASON_FIELDS,
            include_deleted=self.include_deleted(),
        )
        headers = {} if self.revision is None else {"ac-revision": str(self.revision)}
        return lp.reason_replies(rows), headers

    @extend_schema(
        tags=[TAG],
        operation_id="createStatusReasons",
        summary="Create one status reason or an array of them",
        description="All or nothing. At most 1,000 items. A single object comes back with a "
        "`Location` header; an array comes back in request order.",
        parameters=[V, IF_MATCH, METHOD_OVERRIDE, AC_REVISION],
        request=ONE_OR_MANY,
        # 404: with X-HTTP-Method-Override the request is a bulk update or delete.
        responses={
            200: ONE_OR_MANY_REPLY,
            **ERRORS.responses(400, 401, 403, 404, 409, 413, 415),
        },
    )
    def post(self, request, account_id):
        many = lp.is_many(request.data)
        self.check_shape(many=many)
        if_match = self.if_match()
        if many:
            items = [
                ReasonFields(**item) for item in self.read(lp.ReasonWriteSerializer, many=True)
            ]
            result = services.reason_create_many(
                account=self.account_key, items=items, if_match=if_match
            )
            return self.written(result, many=True)
        fields = ReasonFields(**self.read(lp.ReasonWriteSerializer))
        result = services.reason_create(account=self.account_key, fields=fields, if_match=if_match)
        location = f"{request.path}/{result.reasons[0].pk}?v={request.version}"
        return self.written(
            result, many=False, headers={"Location": request.build_absolute_uri(location)}
        )

    @extend_schema(
        tags=[TAG],
        operation_id="updateStatusReasons",
        summary="Bulk full-replace update",
        description="An array of full objects with `id`. All or nothing.",
        parameters=[V, IF_MATCH, AC_REVISION],
        request=lp.ReasonBulkUpdateItemSerializer(many=True),
        responses={
            200: lp.ReasonSerializer(many=True),
            **ERRORS.responses(400, 401, 403, 404, 409, 413, 415),
        },
    )
    def put(self, request, account_id):
        self.check_shape(many=True)
        if_match = self.if_match()
        body = self.read(lp.ReasonBulkUpdateItemSerializer, many=True)
        items = [ReasonChange(**item) for item in body]
        result = services.reason_update_many(
            account=self.account_key, items=items, if_match=if_match
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
            **ERRORS.responses(400, 401, 403, 404, 409, 413, 415),
        },
    )
    def delete(self, request, account_id):
        self.check_shape(many=True)
        if_match = self.if_match()
        ids = self.read(lp.ReasonIdListSerializer)
        result = services.reason_delete_many(account=self.account_key, ids=ids, if_match=if_match)
        return self.written(result, many=True)


class ReasonDetailView(ReasonView):
    """Read, replace or soft-delete one reason."""

    @extend_schema(
        tags=[TAG],
        operation_id="getStatusReason",
        summary="Get a status reason",
        parameters=[V, INCLUDE_DELETED, AC_REVISION],
        responses={200: lp.ReasonSerializer, **ERRORS.responses(400, 401, 403, 404)},
    )
    def get(self, request, account_id, reason_id):
        reason = reason_get(
            account=self.account_key, reason_id=reason_id, include_deleted=self.include_deleted()
        )
        return Response(lp.reason_reply(reason))

    @extend_schema(
        tags=[TAG],
        operation_id="updateStatusReason",
        summary="Replace a status reason",
        parameters=[V, IF_MATCH, METHOD_OVERRIDE, AC_REVISION],
        request=lp.ReasonWriteSerializer,
        responses={
            200: lp.ReasonSerializer,
            **ERRORS.responses(400, 401, 403, 404, 409, 413, 415),
        },
    )
    def put(self, request, account_id, reason_id):
        self.check_shape(many=False)
        reason = reason_get(account=self.account_key, reason_id=reason_id)  # 404 first
        if_match = self.if_match()
        fields = ReasonFields(**self.read(lp.ReasonWriteSerializer))
        result = services.reason_update(
            account=self.account_key, reason_id=reason.pk, fields=fields, if_match=if_match
        )
        return self.written(result, many=False)

    @extend_schema(
        tags=[TAG],
        operation_id="deleteStatusReason",
        summary="Soft-delete a status reason",
        parameters=[V, IF_MATCH, AC_REVISION],
        request=None,
        responses={200: lp.ReasonSerializer, **ERRORS.responses(400, 401, 403, 404, 409)},
    )
    def delete(self, request, account_id, reason_id):
        result = services.reason_delete(
            account=self.account_key, reason_id=reason_id, if_match=self.if_match()
        )
        return self.written(result, many=False)


class LoginServiceView(LivePersonView):
    """Base of LivePerson's Login Service routes (login, refresh, logout): their errors are
    `{"error": {...}}`, not the reason routes' `{"message", "errors"}`."""

    errors = LOGIN_ERRORS

    def set_session_cookie(self, response: Response, session_id: str) -> None:
        """LivePerson's `Session_id` cookie: HttpOnly, Secure under HTTPS, for this
        account's routes only."""
        response.set_cookie(
            SESSION_COOKIE,
            session_id,
            path=session_cookie_path(self.kwargs["account_id"]),
            secure=self.request.is_secure(),
            httponly=True,
            samesite=settings.SESSION_COOKIE_SAMESITE,
        )

    def end_session_cookie(self, response: Response) -> None:
        response.delete_cookie(
            SESSION_COOKIE,
            path=session_cookie_path(self.kwargs["account_id"]),
            samesite=settings.SESSION_COOKIE_SAMESITE,
        )


# The services this portal serves, as the Domain API names them, and as an account's login
# reply lists them in `csdsCollectionResponse`: LivePerson's Login Service (agentVep) and the
# Account Config API of the reasons (read-only and read-write).
CSDS_SERVICES = ["agentVep", "accountConfigReadOnly", "accountConfigReadWrite"]


def portal_host(request) -> str:
    """This portal's host (and port) as the client reached it: every service's base URI,
    so a client that asks the portal where a service is comes back to the portal."""
    return request.get_host()


# The privileges `config.userPrivileges` lists: the user's permissions on status reasons.
def _offset_ms(zone_name: str, now) -> int:
    """The zone's offset from GMT at `now`, in milliseconds."""
    offset = now.astimezone(ZoneInfo(zone_name)).utcoffset()
    return int(offset.total_seconds() * 1000)


def login_reply(request, issued: services.IssuedBearer) -> dict:
    """LivePerson's User Login body, in its key order, with this portal's values."""
    user, now = issued.user, timezone.now()
    server_zone = account_zone = settings.TIME_ZONE  # accounts have no time zone of their own
    return {
        "csrf": issued.csrf,
        "wsuk": str(secrets.randbelow(10**18)),
        "config": {
            "loginName": user.get_username(),
            "userId": str(user.pk),
            "userPrivileges": services.session_permission_ids(issued=issued),
            "serverCurrentTime": int(now.timestamp() * 1000),
            "timeDiff": _offset_ms(account_zone, now) - _offset_ms(server_zone, now),
            "serverTimeZoneName": server_zone,
            "serverTimeGMTDiff": _offset_ms(server_zone, now),
            "isLPA": False,
            "isAdmin": user.is_superuser,
            "accountTimeZoneId": account_zone,
        },
        "csdsCollectionResponse": {
            "baseURIs": [
                {"account": issued.account_id, "baseURI": portal_host(request), "service": name}
                for name in CSDS_SERVICES
            ]
        },
        "accountData": {"agentGroupsData": {"items": [], "revision": 0}},
        "sessionTTl": str(int(services.session_ttl().total_seconds() * 1000)),
        "bearer": issued.bearer,
    }


LOGIN_V = OpenApiParameter(
    "v", OpenApiTypes.NUMBER, description="API version, e.g. 1.3; any value is accepted."
)
EMPTY_REPLY = OpenApiResponse(description="OK with an empty body")


LOGIN_BODY = PolymorphicProxySerializer(
    component_name="LivePersonLoginOrAppLogin",
    serializers=[lp.LivePersonLoginBodySerializer, lp.LivePersonAppLoginBodySerializer],
    resource_type_field_name=None,
    many=False,
)


class LoginView(LoginServiceView):
    """Log into an account: a member with their password (User Login), or an API key with
    the user it signs in as (Application Login). A session valid for that account only."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "liveperson-login"
    form_serializer = lp.LivePersonLoginBodySerializer

    @extend_schema(
        tags=[TAG],
        operation_id="accountLogin",
        summary="Log in to an account (User Login or Application Login)",
        description="`{username, password}` logs a member in. `{username, appKey, secret, "
        "accessToken, accessTokenSecret}` logs in with one of the account's API keys, as the "
        "user the key signs in as; the session can do no more than the key's permission. "
        "Also sets the `Session_id` cookie (HttpOnly; Secure under HTTPS), which refresh and "
        "logout take together with the reply's `csrf`.",
        auth=[],
        parameters=[LOGIN_V],
        request=LOGIN_BODY,
        responses={
            200: lp.LivePersonLoginReplySerializer,
            **LOGIN_ERRORS.responses(400, 401, 413, 415, 429),
        },
    )
    def post(self, request, account_id):
        check_account_id(account_id)
        if lp.is_application_login(request.data):
            body = self.read(lp.LivePersonAppLoginBodySerializer)
            issued = services.account_bearer_issue_for_key(
                account_id=account_id,
                username=body["username"],
                app_key=body["appKey"],
                secret=body["secret"],
                access_token=body["accessToken"],
                access_token_secret=body["accessTokenSecret"],
            )
        else:
            body = self.read(lp.LivePersonLoginBodySerializer)
            issued = services.account_bearer_issue(account_id=account_id, **body)
        response = Response(login_reply(request, issued))
        self.set_session_cookie(response, issued.session_id)
        return response


class RefreshView(LoginServiceView):
    """Keep a session alive: its lifetime starts again."""

    authentication_classes = [AccountSessionAuthentication]
    permission_classes = [WellFormedAccountId, IsAccountMember]
    form_serializer = lp.LivePersonCsrfBodySerializer

    @extend_schema(
        tags=[TAG],
        operation_id="accountRefresh",
        summary="Refresh the session",
        description="The session's bearer, csrf and cookie stay valid for another `sessionTTl` "
        "from now.",
        request=lp.LivePersonCsrfBodySerializer,
        responses={200: EMPTY_REPLY, **LOGIN_ERRORS.responses(400, 401, 403, 413, 415)},
    )
    def post(self, request, account_id):
        services.account_session_refresh(session=request.auth)
        return Response(status=200)


class LogoutView(LoginServiceView):
    """End the session, named by its bearer or by its cookie plus csrf."""

    authentication_classes = [AccountBearerAuthentication, AccountSessionAuthentication]
    permission_classes = [WellFormedAccountId, IsAccountMember]
    form_serializer = lp.LivePersonCsrfBodySerializer

    @extend_schema(
        tags=[TAG],
        operation_id="accountLogout",
        summary="Log out",
        description="With `Authorization: Bearer <bearer>`, or with the `Session_id` cookie "
        'and `{"csrf"}`. The bearer, csrf and cookie stop working at once.',
        request=lp.LivePersonCsrfBodySerializer,
        responses={200: EMPTY_REPLY, **LOGIN_ERRORS.responses(400, 401, 403, 413, 415)},
    )
    def post(self, request, account_id):
        request.data  # noqa: B018 -- a body it cannot read is refused (400, 413, 415), bearer or not
        services.account_bearer_revoke(bearer=request.auth)
        response = Response(status=200)
        self.end_session_cookie(response)
        return response


# --- the Domain API (CSDS) -------------------------------------------------------------------

VERSION = OpenApiParameter(
    "version", OpenApiTypes.NUMBER, description="API version, e.g. 1.0; any value is accepted."
)


class DomainView(LivePersonView):
    """Base of LivePerson's Domain API: where each service of an account is. Public, as
    LivePerson's is: a credential sent along (tap-liveperson signs its lookups) is not
    read. Every well-formed account id gets the same answer, so it tells nobody which
    accounts exist. Its errors have the Login Service's `{"error": {...}}` shape."""

    errors = LOGIN_ERRORS
    authentication_classes = []
    permission_classes = [AllowAny]

    def base_uri(self, service: str) -> dict:
        return {
            "service": service,
            "account": self.kwargs["account_id"],
            "baseURI": portal_host(self.request),
        }


class DomainServiceView(DomainView):
    """The host of one service of an account."""

    @extend_schema(
        tags=[TAG],
        operation_id="getServiceDomain",
        summary="Domain API: the host of a service",
        description="For `agentVep` (the Login Service), `accountConfigReadOnly` and "
        "`accountConfigReadWrite` (the status reasons), this portal's own host. Another "
        "service: 404.",
        auth=[],
        parameters=[VERSION],
        responses={200: lp.DomainServiceSerializer, **LOGIN_ERRORS.responses(400, 404)},
    )
    def get(self, request, account_id, service):
        check_account_id(account_id)
        if service not in CSDS_SERVICES:
            raise exceptions.NotFound(_("Service %(service)s not found") % {"service": service})
        return Response(self.base_uri(service))


class DomainServicesView(DomainView):
    """The hosts of every service of an account that this portal serves (the request
    `node-agent-sdk`'s CSDS client sends)."""

    @extend_schema(
        tags=[TAG],
        operation_id="listServiceDomains",
        summary="Domain API: the hosts of every service",
        description="`agentVep`, `accountConfigReadOnly` and `accountConfigReadWrite`, each "
        "at this portal's own host.",
        auth=[],
        parameters=[VERSION],
        responses={200: lp.DomainServicesSerializer, **LOGIN_ERRORS.responses(400)},
    )
    def get(self, request, account_id):
        check_account_id(account_id)
        return Response({"baseURIs": [self.base_uri(service) for service in CSDS_SERVICES]})
