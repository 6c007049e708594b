"""Zendesk-compatible custom ticket statuses: the conversation statuses on Zendesk's wire.

Every route answers with and without `.json` (zenpy sends the suffixed form). Reads are
open to any authenticated user, as Zendesk's are to end users; writes need the model
permissions. Each write is one call to statuses.services, with the Zendesk caps on
(`within_limits`), which the Libredesk wire does not have.
"""

import dataclasses
import hashlib

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import DjangoModelPermissions
from rest_framework.response import Response

from access.authentication import (
    ActiveUserOAuth2Authentication,
    ZendeskPasswordAuthentication,
    ZendeskTokenAuthentication,
)
from access.permissions import OAuthScopeForMethod
from core.api import SurfaceView
from core.errors import NotFoundError
from core.ids import parse_id
from statuses import services
from statuses.models import ConversationStatus, StatusCategory
from statuses.selectors import (
    conversation_status_translation,
    conversation_statuses_with_translations,
)
from statuses.zendesk.errors import ERRORS, PARAMETER_MISSING, ROOT_KEY
from statuses.zendesk.serializers import (
    CustomStatusBodySerializer,
    CustomStatusCreateSerializer,
    CustomStatusEnvelopeSerializer,
    CustomStatusFilterSerializer,
    CustomStatusListSerializer,
    CustomStatusUpdateBodySerializer,
    CustomStatusUpdateSerializer,
    DefaultIdsSerializer,
    EmptySerializer,
    custom_status_data,
)

# The one OpenAPI tag of every Zendesk operation (config/surfaces.py orders the tags).
TAG = "Zendesk"
errors = ERRORS.responses
JSON_SUFFIX = "Also served with a `.json` suffix, which zenpy sends."


class InvalidParameter(exceptions.APIException):
    """A query or body parameter that Zendesk answers 400 `InvalidValue` (the error shape
    translates the code)."""

    status_code = 400
    default_code = "invalid_parameter"


class ZendeskView(SurfaceView):
    """Base of the Zendesk surface: its three credentials, permissions and error bodies."""

    errors = ERRORS
    # The first class's challenge is the 401's `WWW-Authenticate`: `Basic realm="Web Password"`.
    authentication_classes = [
        ZendeskTokenAuthentication,
        ZendeskPasswordAuthentication,
        ActiveUserOAuth2Authentication,
        SessionAuthentication,
    ]
    # A bearer is also held to its scope: `read` to read, `write` to change anything.
    permission_classes = [DjangoModelPermissions, OAuthScopeForMethod]
    queryset = ConversationStatus.objects.all()
    serializer_class = CustomStatusCreateSerializer

    def read_custom_status(self, serializer_class, **kwargs):
        """The `custom_status` object of the body, checked; 400 `ParameterMissing` when the
        body has none (not JSON, not an object, or no such object in it)."""
        body = self.request.data
        inner = body.get(ROOT_KEY) if isinstance(body, dict) else None
        if not isinstance(inner, dict):
            raise exceptions.ParseError(PARAMETER_MISSING % {"param": ROOT_KEY})
        return self.read(serializer_class, data=inner, **kwargs)

    def status_url_prefix(self):
        """`https://host/api/v2/custom_statuses`: each status's `url` adds `/{id}.json`."""
        return self.request.build_absolute_uri(reverse("zendesk-custom-status-list"))

    def reply(self, status, *, translate=True):
        """One status as Zendesk writes it, in the caller's language."""
        translation = (
            conversation_status_translation(status, self.accept_language()) if translate else None
        )
        return custom_status_data(
            status, f"{self.status_url_prefix()}/{status.pk}.json", translation
        )

    def accept_language(self):
        return self.request.META.get("HTTP_ACCEPT_LANGUAGE", "")


def _fields(status, changes):
    """The whole fields object of a write: the status's own, with the wire's changes (the
    service stores a blank end user label as none: the agent label shows)."""
    changes = dict(changes)
    if "agent_label" in changes:
        changes["name"] = changes.pop("agent_label")
    for key in ("description", "end_user_description"):
        if key in changes and changes[key] is None:
            changes[key] = ""
    if status is None:
        return services.ConversationStatusFields(**changes)
    return dataclasses.replace(
        services.fields_of(services.ConversationStatusFields, status), **changes
    )


def _flag(value, name):
    """A `true`/`false` filter, in any case; anything else is refused."""
    if value is None:
        return None
    lowered = value.lower()
    if lowered not in ("true", "false"):
        raise InvalidParameter(f"{name} must be true or false")
    return lowered == "true"


class CustomStatusListView(ZendeskView):
    """List or create custom ticket statuses."""

    reply_generations = ("conversation-statuses",)

    def reply_key(self):
        # The reply is in the caller's language: one entry per Accept-Language too.
        language = hashlib.sha256(self.accept_language().encode()).hexdigest()[:16]
        return f"{super().reply_key()}:{language}"

    def filtered(self):
        query = self.request.query_params
        queryset = conversation_statuses_with_translations(self.get_queryset().order_by("id"))
        if (categories := query.get("status_categories")) is not None:
            wanted = [value.strip() for value in categories.split(",") if value.strip()]
            unknown = [value for value in wanted if value not in StatusCategory.values]
            if unknown:
                raise InvalidParameter(
                    "status_categories must be a comma-separated list of: "
                    + ", ".join(StatusCategory.values)
                )
            queryset = queryset.filter(status_category__in=wanted)
        if (active := _flag(query.get("active"), "active")) is not None:
            queryset = queryset.filter(active=active)
        if (default := _flag(query.get("default"), "default")) is not None:
            queryset = queryset.filter(is_category_default=default)
        return queryset

    @extend_schema(
        tags=[TAG],
        summary="List custom ticket statuses",
        operation_id="ListCustomStatuses",
        description="Every status, ordered by id; not paginated. " + JSON_SUFFIX,
        parameters=[CustomStatusFilterSerializer],
        responses={200: CustomStatusListSerializer, **errors(400, 401)},
    )
    def get(self, request):
        def build():
            prefix = self.status_url_prefix()
            language = self.accept_language()
            return {
                "custom_statuses": [
                    custom_status_data(
                        status,
                        f"{prefix}/{status.pk}.json",
                        conversation_status_translation(status, language),
                    )
                    for status in self.filtered()
                ]
            }

        return self.cached_reply(build)

    @extend_schema(
        tags=[TAG],
        summary="Create a custom ticket status",
        operation_id="CreateCustomStatus",
        description="At most 300 statuses, 100 per category; one in `new`. " + JSON_SUFFIX,
        request=CustomStatusBodySerializer,
        responses={
            201: CustomStatusEnvelopeSerializer,
            **errors(400, 401, 403, 413, 415, 422),
        },
    )
    def post(self, request):
        body = self.read_custom_status(CustomStatusCreateSerializer)
        status = services.conversation_status_create(fields=_fields(None, body), within_limits=True)
        data = self.reply(status, translate=False)
        return Response({"custom_status": data}, status=201, headers={"Location": data["url"]})


class CustomStatusDetailView(ZendeskView):
    """Show, update or delete one custom ticket status."""

    serializer_class = CustomStatusUpdateSerializer

    def get_object(self):
        statuses = ConversationStatus.objects.filter(pk=parse_id(self.kwargs["status_id"]))
        status = conversation_statuses_with_translations(statuses).first()
        if status is None:
            raise NotFoundError("Not found")
        return status

    @extend_schema(
        tags=[TAG],
        summary="Show a custom ticket status",
        operation_id="ShowCustomStatus",
        description=JSON_SUFFIX,
        responses={200: CustomStatusEnvelopeSerializer, **errors(401, 404)},
    )
    def get(self, request, status_id):
        return Response({"custom_status": self.reply(self.get_object())})

    @extend_schema(
        tags=[TAG],
        summary="Update a custom ticket status",
        operation_id="UpdateCustomStatus",
        description="Partial: only the keys sent change. `status_category` cannot change. "
        "The statuses that ship with the portal cannot be changed. " + JSON_SUFFIX,
        request=CustomStatusUpdateBodySerializer,
        responses={
            200: CustomStatusEnvelopeSerializer,
            **errors(400, 401, 403, 404, 413, 415, 422),
        },
    )
    def put(self, request, status_id):
        # The body's own rules first, then the id (the contract's order: rule 9).
        body = self.read_custom_status(CustomStatusUpdateSerializer, partial=True)
        status = self.get_object()
        status = services.conversation_status_update(
            status=status, fields=_fields(status, body), within_limits=True
        )
        return Response({"custom_status": self.reply(status)})

    @extend_schema(
        tags=[TAG],
        summary="Delete a custom ticket status",
        operation_id="DeleteCustomStatus",
        description="Not in Zendesk's published API, which later clients call: the same hard "
        "delete as Libredesk's. Shipped statuses and category defaults cannot be deleted. "
        + JSON_SUFFIX,
        responses={204: None, **errors(401, 403, 404, 422)},
    )
    def delete(self, request, status_id):
        services.conversation_status_delete(status=self.get_object())
        return Response(status=204)


def _ids(raw):
    """The ids of `{"ids": "12,34"}`; 400 `InvalidValue` for anything but such a string."""
    message = "ids must be a comma-separated list of custom status ids"
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidParameter(message)
    ids = []
    for part in raw.split(","):
        part = part.strip()
        parsed = parse_id(part)
        if parsed is None:
            raise InvalidParameter(message)
        ids.append(parsed)
    return list(dict.fromkeys(ids))


class DefaultCustomStatusView(ZendeskView):
    """Make statuses the defaults of their categories, all at once."""

    serializer_class = DefaultIdsSerializer

    @extend_schema(
        tags=[TAG],
        summary="Bulk update default custom ticket statuses",
        operation_id="BulkUpdateDefaultCustomStatus",
        description="Each id becomes the default of its category, and the previous default "
        "loses the flag, all or nothing. " + JSON_SUFFIX,
        request=DefaultIdsSerializer,
        responses={200: EmptySerializer, **errors(400, 401, 403, 404, 413, 415, 422)},
    )
    def put(self, request):
        body = request.data
        ids = _ids(body.get("ids") if isinstance(body, dict) else None)
        statuses = list(ConversationStatus.objects.filter(pk__in=ids))
        if len(statuses) != len(ids):
            raise NotFoundError("Not found")
        services.conversation_status_make_default(statuses=statuses)
        return Response({})
