"""Rules for statuses. The admin and every API surface change statuses through these."""

from django.utils.translation import gettext as _

from core.db import check_fields, raise_on_integrity_error
from core.errors import ConflictError, DomainError, NotFoundError
from core.ids import parse_id
from core.text import name_key
from statuses.models import ConversationStatus, UserStatus


def conversation_status_get(*, status_id: object) -> ConversationStatus:
    """The conversation status with this id (as read from a path), or NotFoundError."""
    status = ConversationStatus.objects.filter(pk=parse_id(status_id)).first()
    if status is None:
        raise NotFoundError(_("Conversation status not found"))
    return status


def _conversation_status_name_taken() -> ConflictError:
    return ConflictError(
        _("A conversation status with this name already exists."), code="name_taken", field="name"
    )


def _conversation_status_protect(status: ConversationStatus, *, action: str) -> None:
    if status.is_default:
        message = {
            "update": _("Cannot update default conversation status"),
            "delete": _("Cannot delete default conversation status"),
        }[action]
        raise DomainError(message, code="default_protected", params={"action": action})


def conversation_status_create(*, name: str, category: str) -> ConversationStatus:
    """Create a conversation status; a name already used (by name_key) is `name_taken`."""
    status = ConversationStatus(name=name.strip(), category=category)
    check_fields(status)
    with raise_on_integrity_error(_conversation_status_name_taken()):
        status.save()
    return status


def conversation_status_update(
    *, status: ConversationStatus, name: str, category: str
) -> ConversationStatus:
    """Replace a status's name and category; the defaults are `default_protected`."""
    _conversation_status_protect(status, action="update")
    status.name, status.category = name.strip(), category
    check_fields(status)
    with raise_on_integrity_error(_conversation_status_name_taken()):
        status.save(update_fields=["name", "category", "updated_at"])
    return status


def conversation_status_delete(*, status: ConversationStatus) -> None:
    """Delete a status; the defaults are `default_protected`."""
    _conversation_status_protect(status, action="delete")
    status.delete()


# --- Rocket.Chat custom user statuses ---------------------------------------------------

USER_STATUS_METHOD = "insertOrUpdateUserStatus"
USER_STATUS_NAME_FORBIDDEN = set("><&\"'")
REQUIRED = "error-the-field-is-required"
NOT_VALID = "error-input-is-not-a-valid-field"
NAME_IN_USE = "Custom_User_Status_Error_Name_Already_In_Use"


def _name_in_use():
    return DomainError(
        _("The custom user status name is already in use"),
        code=NAME_IN_USE,
        details={"method": USER_STATUS_METHOD},
    )


def user_status_check(*, name, status_type, exclude_id=None):
    """Apply Rocket.Chat's insertOrUpdateUserStatus rules in its order; return the clean name."""
    name = (name or "").strip()
    if not name_key(name):
        raise DomainError(
            _("The field Name is required"),
            code=REQUIRED,
            details={"method": USER_STATUS_METHOD, "field": "Name"},
        )
    if USER_STATUS_NAME_FORBIDDEN & set(name) or len(name) > UserStatus.NAME_MAX_LENGTH:
        raise DomainError(
            _("%(name)s is not a valid name") % {"name": name},
            code=NOT_VALID,
            details={"method": USER_STATUS_METHOD, "input": name, "field": "Name"},
        )
    if UserStatus.objects.filter(name_key=name_key(name)).exclude(pk=exclude_id).exists():
        raise _name_in_use()
    if not status_type:
        raise DomainError(
            _("The field StatusType is required"),
            code=REQUIRED,
            details={"method": USER_STATUS_METHOD, "field": "StatusType"},
        )
    if status_type not in UserStatus.Type.values:
        raise DomainError(
            _("%(type)s is not a valid status type") % {"type": status_type},
            code=NOT_VALID,
            details={"method": USER_STATUS_METHOD, "input": status_type, "field": "StatusType"},
        )
    return name


def user_status_list(*, name=None, status_id=None, order_by=("name", "id")):
    """Custom user statuses filtered by a case-insensitive name substring and/or id."""
    statuses = UserStatus.objects.all()
    if name:
        statuses = statuses.filter(name__icontains=name)
    if status_id:
        statuses = statuses.filter(pk=status_id)
    return statuses.order_by(*order_by)


def user_status_get_for_update(*, status_id):
    """The status an update names, or Rocket.Chat's 400 for an unknown id."""
    status = UserStatus.objects.filter(pk=status_id).first() if status_id else None
    if status is None:
        raise DomainError(
            _('No custom user status found with the id of "%(id)s".') % {"id": status_id},
            code="",
        )
    return status


def user_status_create(*, name, status_type):
    """Create a custom user status; names are unique as compared by core.text.name_key."""
    status = UserStatus(
        name=user_status_check(name=name, status_type=status_type),
        status_type=status_type,
    )
    with raise_on_integrity_error(_name_in_use()):
        status.save(force_insert=True)
    return status


def user_status_update(*, status, name, status_type):
    """Rename a custom user status and/or change its type, under the create rules."""
    status.name = user_status_check(name=name, status_type=status_type, exclude_id=status.pk)
    status.status_type = status_type
    with raise_on_integrity_error(_name_in_use()):
        status.save(update_fields=["name", "status_type", "updated_at"])
    return status


def user_status_delete(*, status_id):
    """Delete a custom user status by id."""
    deleted, _unused = UserStatus.objects.filter(pk=status_id).delete() if status_id else (0, None)
    if not deleted:
        raise DomainError(
            _("Invalid user status"),
            code="Custom_User_Status_Error_Invalid_User_Status",
            details={"method": "deleteCustomUserStatus"},
        )
