"""DRF permission classes shared by the surfaces."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Exists, Q
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


def may_view_model(user_id, model_label: str) -> Q:
    """The condition that the user whose id is `user_id` (an OuterRef) may view objects of
    `model_label` ("app_label.ModelName") as the admin decides it: a superuser, or the view
    or change permission held directly or through a group. One subquery, so many users are
    checked in one query (where `user.has_perm` would load each user's permissions)."""
    app_label, model_name = model_label.lower().split(".")
    permissions = Permission.objects.filter(
        content_type__app_label=app_label,
        content_type__model=model_name,
        codename__in=[f"view_{model_name}", f"change_{model_name}"],
    )
    User = get_user_model()
    return Q(
        Exists(
            User.objects.filter(pk=user_id, is_active=True).filter(
                Q(is_superuser=True)
                | Q(user_permissions__in=permissions)
                | Q(groups__permissions__in=permissions)
            )
        )
    )
