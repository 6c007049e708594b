"""Libredesk-compatible endpoints: conversation statuses and agent API keys."""

import dataclasses

from django.contrib.auth import get_user_model
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission, DjangoModelPermissions
from rest_framework.response import Response

from access.authentication import ApiKeyBasicAuthentication, ApiKeyTokenAuthentication
from access.services import api_key_issue, api_key_revoke
from core.api import SurfaceView
from core.errors import NotFoundError
from core.ids import parse_id
from statuses import services
from statuses.libredesk.errors import ERRORS
from statuses.libredesk.serializers import (
    ApiKeyEnvelopeSerializer,
    StatusEnvelopeSerializer,
    StatusListEnvelopeSerializer,
    StatusWriteSerializer,
    TrueEnvelopeSerializer,
    status_data,
    status_rows,
)
from statuses.models import ConversationStatus

# The one OpenAPI tag of every Libredesk operation (config/surfaces.py orders the tags).
TAG = "Libredesk"


def success(data):
    """Libredesk's success envelope."""
    return Response({"status": "success", "data": data})


errors = ERRORS.responses


class LibredeskView(SurfaceView):
    """Base of the Libredesk surface: its credentials, permissions and error envelope."""

    errors = ERRORS
    authentication_classes = [
        ApiKeyTokenAuthentication,
        ApiKeyBasicAuthentication,
        SessionAuthentication,
    ]
    permission_classes = [DjangoModelPermissions]
    # Inactive statuses (switched off on the Zendesk wire) are hidden from Libredesk.
    queryset = ConversationStatus.objects.filter(active=True)
    serializer_class = StatusWriteSerializer


class StatusListView(LibredeskView):
    """List or create conversation statuses."""

    reply_generations = ("conversation-statuses",)

    @extend_schema(
        tags=[TAG],
        summary="List conversation statuses",
        operation_id="listStatuses",
        description="All statuses ordered by id; not paginated.",
        responses={200: StatusListEnvelopeSerializer, **errors(401)},
    )
    def get(self, request):
        return self.cached_reply(lambda: success(status_rows(self.get_queryset())).data)

    @extend_schema(
        tags=[TAG],
        summary="Create a conversation status",
        operation_id="handleCreateStatus",
        request=StatusWriteSerializer,
        responses={200: StatusEnvelopeSerializer, **errors(400, 401, 403, 409, 413, 415)},
    )
    def post(self, request):
        data = self.read(StatusWriteSerializer)
        fields = services.ConversationStatusFields(
            name=data["name"], status_category=services.status_category_for(data["category"])
        )
        status = services.conversation_status_create(fields=fields)
        return success(status_data(status))


class StatusDetailView(LibredeskView):
    """Read, replace or delete one conversation status."""

    def get_object(self):
        return services.conversation_status_get(
            status_id=self.kwargs["status_id"], active_only=True
        )

    @extend_schema(
        tags=[TAG],
        summary="Get a conversation status",
        operation_id="getStatus",
        responses={200: StatusEnvelopeSerializer, **errors(401, 404)},
    )
    def get(self, request, status_id):
        return success(status_data(self.get_object()))

    @extend_schema(
        tags=[TAG],
        summary="Replace a conversation status",
        operation_id="updateStatus",
        description="Full replace: `name` and `category` are both required. "
        "Default statuses cannot be updated.",
        request=StatusWriteSerializer,
        responses={200: StatusEnvelopeSerializer, **errors(400, 401, 403, 404, 409, 413, 415)},
    )
    def put(self, request, status_id):
        data = self.read(StatusWriteSerializer)
        current = self.get_object()
        # A full replace of what Libredesk knows (name, category); the fields only the
        # Zendesk wire shows are kept, and so is a status category served as `category`.
        services.conversation_status_protect(status=current, action="update")
        fields = dataclasses.replace(
            services.fields_of(services.ConversationStatusFields, current),
            name=data["name"],
            status_category=services.status_category_for(data["category"], current.status_category),
        )
        status = services.conversation_status_update(status=current, fields=fields)
        return success(status_data(status))

    @extend_schema(
        tags=[TAG],
        summary="Delete a conversation status",
        operation_id="deleteStatus",
        description="Default statuses cannot be deleted.",
        responses={200: TrueEnvelopeSerializer, **errors(400, 401, 403, 404)},
    )
    def delete(self, request, status_id):
        current = self.get_object()
        services.conversation_status_protect(status=current, action="delete")
        services.conversation_status_delete(status=current)
        return success(True)


class ChangeUsersOrSelf(BasePermission):
    """Acting on your own key, or holding the permission to change users (checked before
    the agent is looked up, so that ids are not probed); the service has the final say."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return parse_id(view.kwargs["agent_id"]) == user.pk or user.has_perm("auth.change_user")


class AgentApiKeyView(LibredeskView):
    """Generate or revoke an agent's API key: your own, or another's with the permissions to
    change users and add API keys (`access.services.api_key_issue_allowed`)."""

    permission_classes = [ChangeUsersOrSelf]
    serializer_class = None

    def get_agent(self):
        agent = get_user_model().objects.filter(pk=parse_id(self.kwargs["agent_id"])).first()
        if agent is None:
            raise NotFoundError(_("Agent not found"))
        return agent

    @extend_schema(
        tags=[TAG],
        summary="Generate an agent's API key",
        operation_id="generateAgentApiKey",
        description="Returns the key and its secret. The secret is shown only here; "
        "a new call replaces the earlier key. Anyone may replace their own key; another "
        "user's needs the permissions to change users and add API keys, and only a "
        "superuser makes one for a superuser.",
        request=None,
        responses={200: ApiKeyEnvelopeSerializer, **errors(401, 403, 404)},
    )
    def post(self, request, agent_id):
        issued = api_key_issue(user=self.get_agent(), actor=request.user)
        response = success({"api_key": issued.api_key, "api_secret": issued.api_secret})
        add_never_cache_headers(response)  # the secret is in this reply alone
        return response

    @extend_schema(
        tags=[TAG],
        summary="Revoke an agent's API key",
        operation_id="revokeAgentApiKey",
        request=None,
        responses={200: TrueEnvelopeSerializer, **errors(401, 403, 404)},
    )
    def delete(self, request, agent_id):
        api_key_revoke(user=self.get_agent())
        return success(True)
