"""DRF permission classes shared by the surfaces."""

from rest_framework.permissions import BasePermission


class HasPermissions(BasePermission):
    """Allow authenticated users who hold every Django permission in `required`."""

    required: tuple[str, ...] = ()

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.has_perms(self.required))


def require_perms(*perms):
    """A permission class requiring the given Django permissions, such as 'auth.change_user'."""
    return type("RequirePerms", (HasPermissions,), {"required": perms})
