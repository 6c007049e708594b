"""Rules for statuses. The admin and every API surface change statuses through these."""

from django.utils.translation import gettext as _

from core.db import conflict_on_integrity_error
from core.errors import DomainError, NotFoundError
from statuses.models import ConversationStatus


def conversation_status_get(*, status_id):
    """The conversation status with this id, or NotFoundError."""
    try:
        return ConversationStatus.objects.get(pk=status_id)
    except (ConversationStatus.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("Conversation status not found")) from None


def conversation_status_create(*, name, category):
    """Create a conversation status; a name already used (in any case) is a ConflictError."""
    status = ConversationStatus(name=name.strip(), category=category)
    with conflict_on_integrity_error(_("Status name already exists")):
        status.save()
    return status


def conversation_status_update(*, status, name, category):
    """Replace a status's name and category; the defaults cannot be updated."""
    if status.is_default:
        raise DomainError(_("Cannot update default conversation status"))
    status.name, status.category = name.strip(), category
    with conflict_on_integrity_error(_("Status name already exists")):
        status.save(update_fields=["name", "category", "updated_at"])
    return status


def conversation_status_delete(*, status):
    """Delete a status; the defaults cannot be deleted."""
    if status.is_default:
        raise DomainError(_("Cannot delete default conversation status"))
    status.delete()
