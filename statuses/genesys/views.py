"""Genesys Cloud-compatible presence definitions: the custom user statuses on Genesys's wire.

Callers send `Authorization: Bearer <token>` from the portal's OAuth2 server (the SDK takes
one with the client-credentials grant at `/oauth/token`). Each route needs the Django model
permission that matches the Genesys permission the vendor documents; each write is one
call to statuses.services, with the 30-active-per-presence limit on (`within_limits`),
which the Rocket.Chat wire does not have. DELETE deactivates, as Genesys does.
"""

import dataclasses

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from access.authentication import ActiveUserOAuth2Authentication
from access.permissions import OAuthScopeForMethod
from core.api import SurfaceView
from core.parsers import StrictJSONParser
from statuses import services
from statuses.genesys.errors import ERRORS
from statuses.genesys.serializers import (
    DEFINITIONS_PATH,
    LOCALES,
    PRESENCE_CHANGED,
    SYSTEM_DEFINITIONS,
    SYSTEM_IDS,
    WIRE_LOCALE,
    PresenceDefinitionCreateSerializer,
    PresenceDefinitionListSerializer,
    PresenceDefinitionQuerySerializer,
    PresenceDefinitionSerializer,
    PresenceDefinitionUpdateSerializer,
    SystemPresenceSerializer,
    canonical_wire_label,
    definition_data,
    system_definition_data,
    system_presences_data,
)
from statuses.models import STATUS_TYPE_OF_PRESENCE, UserStatus, normalise_locale
from statuses.selectors import user_statuses_with_labels

# The one OpenAPI tag of every Genesys operation (config/surfaces.py orders the tags).
TAG = "Genesys Cloud"
errors = ERRORS.responses
# User definitions by label, case-insensitively (the name's key), on every database.
ORDER = ("name_key", "id")

# Genesys's permission names for each portal action on custom user statuses.
GENESYS_PERMISSIONS = {
    "view": "presence:presenceDefinition:view",
    "add": "presence:presenceDefinition:add",
    "change": "presence:presenceDefinition:edit",
    "delete": "presence:presenceDefinition:delete",
}
# A method -> the portal actions of which any one lets it through (DELETE deactivates:
# Genesys lets `delete` or `edit` do it).
ACTIONS = {
    "GET": ("view",),
    "HEAD": ("view",),
    "POST": ("add",),
    "PUT": ("change",),
    "DELETE": ("delete", "change"),
}


class PresencePermission(BasePermission):
    """The model permission behind the route's Genesys permission; a refusal names the
    Genesys permission(s), as Genesys's `missing.permissions` does."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        actions = ACTIONS.get(request.method, ())
        allowed = any(user.has_perm(f"statuses.{action}_userstatus") for action in actions)
        # A bearer is also held to its scope: `read` to read, `write` to change anything.
        if not actions or (allowed and OAuthScopeForMethod().has_permission(request, view)):
            return True
        self.message = ", ".join(GENESYS_PERMISSIONS[action] for action in actions)
        return False


class SystemDefinitionRefused(exceptions.APIException):
    """PUT or DELETE of one of the ten System definitions."""

    status_code = 400
    default_code = "system_definition"
    default_detail = "System presence definitions cannot be changed"


class GenesysView(SurfaceView):
    """Base of the Genesys surface: bearer tokens, its permissions and its error body."""

    errors = ERRORS
    authentication_classes = [ActiveUserOAuth2Authentication, SessionAuthentication]
    permission_classes = [PresencePermission]
    # Bodies are JSON: anything else is 415 `unsupported.media.type`.
    parser_classes = [StrictJSONParser]
    queryset = UserStatus.objects.all()
    serializer_class = PresenceDefinitionCreateSerializer


def _query_error(name, message):
    return ValidationError({name: [ErrorDetail(message, code="invalid_parameter")]})


def _deactivated(request):
    """`deactivated`: TRUE or FALSE in any case, FALSE when absent; sent twice, each value
    is checked and they must agree."""
    values = {value.strip().lower() for value in request.query_params.getlist("deactivated")}
    for value in values:
        if value not in ("true", "false"):
            raise _query_error(
                "deactivated",
                f"Value [{value}] is not valid for field type [deactivated]. "
                "Allowable values are: TRUE, FALSE",
            )
    if len(values) > 1:
        raise _query_error("deactivated", "deactivated is given twice, with different values.")
    return values == {"true"}


def _division_ids(request):
    """`divisionId`, repeated and/or comma-separated; empty values are none."""
    ids = {
        part.strip()
        for value in request.query_params.getlist("divisionId")
        for part in value.split(",")
        if part.strip()
    }
    return ids or None


def _locale(request):
    """`localeCode`: None for every label (absent, empty or `ALL`), else Genesys's spelling
    of one locale of the list (any case, `-` or `_`); sent twice, the values must agree."""
    locales = set()
    for value in request.query_params.getlist("localeCode"):
        if not value.strip() or value.strip().upper() == "ALL":
            locales.add(None)
            continue
        locale = WIRE_LOCALE.get(normalise_locale(value))
        if locale is None:
            raise _query_error(
                "localeCode",
                f"Value [{value}] is not valid for field type [localeCode]. Allowable values "
                "are: ALL, " + ", ".join(LOCALES),
            )
        locales.add(locale)
    if len(locales) > 1:
        raise _query_error("localeCode", "localeCode is given twice, with different values.")
    return next(iter(locales), None)


class PresenceDefinitionListView(GenesysView):
    """List or create presence definitions."""

    reply_generations = ("user-statuses",)

    @extend_schema(
        tags=[TAG],
        summary="Get the organization's presence definitions",
        operation_id="getPresenceDefinitions",
        description="Genesys's ten System definitions (unless `deactivated=TRUE`), then the "
        "User definitions by label: every one, not paged (`pageSize` and `pageNumber` are "
        "ignored). Needs `presence:presenceDefinition:view` (`statuses.view_userstatus`).",
        parameters=[
            PresenceDefinitionQuerySerializer,
            OpenApiParameter(
                "pageSize",
                {"type": "integer", "minimum": 1, "example": 25},
                description="Ignored: the list is not paged.",
            ),
            OpenApiParameter(
                "pageNumber",
                {"type": "integer", "minimum": 1, "example": 1},
                description="Ignored: the list is not paged.",
            ),
        ],
        responses={200: PresenceDefinitionListSerializer, **errors(400, 401, 403)},
    )
    def get(self, request):
        deactivated = _deactivated(request)
        division_ids = _division_ids(request)
        locale = _locale(request)

        def build():
            statuses = user_statuses_with_labels(
                services.user_status_list(
                    active=not deactivated, division_ids=division_ids, order_by=ORDER
                )
            )
            entities = (
                []
                if deactivated
                else [
                    system_definition_data(presence, definition_id, locale)
                    for presence, definition_id in SYSTEM_DEFINITIONS
                ]
            )
            entities += [definition_data(status, locale) for status in statuses]
            return {"entities": entities, "total": len(entities), "selfUri": DEFINITIONS_PATH}

        return self.cached_reply(build)

    @extend_schema(
        tags=[TAG],
        summary="Create a presence definition",
        operation_id="postPresenceDefinitions",
        description="A User definition: a custom user status, also listed by Rocket.Chat under "
        "the mapped `statusType`. At most 30 active ones per system presence. Needs "
        "`presence:presenceDefinition:add` (`statuses.add_userstatus`).",
        request=PresenceDefinitionCreateSerializer,
        responses={200: PresenceDefinitionSerializer, **errors(400, 401, 403, 409, 413, 415)},
    )
    def post(self, request):
        body = self.read(PresenceDefinitionCreateSerializer)
        presence = body["systemPresence"]
        labels = body["languageLabels"]
        fields = services.UserStatusFields(
            name=canonical_wire_label(labels),
            status_type=STATUS_TYPE_OF_PRESENCE[presence],
            system_presence=presence,
            active=not body.get("deactivated", False),
            division_id=body.get("divisionId", services.UserStatusFields.division_id),
        )
        status = services.user_status_create(fields=fields, labels=labels, within_limits=True)
        return Response(definition_data(_with_labels(status.pk)))


def _with_labels(status_id):
    """The status with its labels, as stored (for a reply)."""
    statuses = user_statuses_with_labels(UserStatus.objects.filter(pk=status_id))
    status = statuses.first()
    if status is None:
        services.user_status_get(status_id=status_id)  # not_found
    return status


class PresenceDefinitionDetailView(GenesysView):
    """Get, replace or deactivate one presence definition."""

    serializer_class = PresenceDefinitionUpdateSerializer

    @extend_schema(
        tags=[TAG],
        summary="Get a presence definition",
        operation_id="getPresenceDefinition",
        description="A System definition by Genesys's fixed id, or a User definition by the "
        "custom user status's id (deactivated ones too). Needs "
        "`presence:presenceDefinition:view`.",
        parameters=[
            OpenApiParameter(
                "localeCode", str, description="`ALL` (default) or one locale's label."
            )
        ],
        responses={200: PresenceDefinitionSerializer, **errors(400, 401, 403, 404)},
    )
    def get(self, request, definition_id):
        locale = _locale(request)
        if definition_id in SYSTEM_IDS:
            return Response(
                system_definition_data(SYSTEM_IDS[definition_id], definition_id, locale)
            )
        return Response(definition_data(_with_labels(definition_id), locale))

    @extend_schema(
        tags=[TAG],
        summary="Update a presence definition",
        operation_id="putPresenceDefinition",
        description="`languageLabels` replace the whole set (a locale not sent is removed); "
        "`systemPresence` cannot change; `deactivated: false` reactivates, within the limit "
        "of 30. System definitions cannot be changed. Needs "
        "`presence:presenceDefinition:edit` (`statuses.change_userstatus`).",
        request=PresenceDefinitionUpdateSerializer,
        responses={
            200: PresenceDefinitionSerializer,
            **errors(400, 401, 403, 404, 409, 413, 415),
        },
    )
    def put(self, request, definition_id):
        # The body's own rules first, then the id (the contract's order).
        body = self.read(PresenceDefinitionUpdateSerializer)
        if definition_id in SYSTEM_IDS:
            raise SystemDefinitionRefused()
        status = services.user_status_get(status_id=definition_id)
        presence = body.get("systemPresence")
        if presence is not None and presence != status.presence:
            message = PRESENCE_CHANGED % {"value": presence, "current": status.presence}
            raise ValidationError(
                {"systemPresence": [ErrorDetail(str(message), code="presence_changed")]}
            )
        labels = body["languageLabels"]
        changes = {"name": canonical_wire_label(labels)}
        if "deactivated" in body:
            changes["active"] = not body["deactivated"]
        if "divisionId" in body:
            changes["division_id"] = body["divisionId"]
        fields = dataclasses.replace(
            services.fields_of(services.UserStatusFields, status), **changes
        )
        status = services.user_status_update(
            status=status, fields=fields, labels=labels, within_limits=True
        )
        return Response(definition_data(_with_labels(status.pk)))

    @extend_schema(
        tags=[TAG],
        summary="Delete a presence definition",
        operation_id="deletePresenceDefinition",
        description="Deactivates it, as Genesys does: it leaves the active list, Rocket.Chat "
        "stops listing it, and its label stays taken. `PUT` with `deactivated: false` brings "
        "it back. Needs `presence:presenceDefinition:delete` or `…:edit`.",
        responses={204: None, **errors(400, 401, 403, 404)},
    )
    def delete(self, request, definition_id):
        if definition_id in SYSTEM_IDS:
            raise SystemDefinitionRefused()
        services.user_status_deactivate(status=services.user_status_get(status_id=definition_id))
        return Response(status=204)


class SystemPresenceListView(GenesysView):
    """The ten system presences."""

    permission_classes = [IsAuthenticated, OAuthScopeForMethod]

    @extend_schema(
        tags=[TAG],
        summary="Get the list of system presences",
        operation_id="getSystempresences",
        description="A bare array of the ten primary presences. Needs no permission, only a "
        "bearer token.",
        responses={200: SystemPresenceSerializer(many=True), **errors(401)},
    )
    def get(self, request):
        return Response(system_presences_data())
