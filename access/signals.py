"""Credentials follow the user: a new password or a deactivation ends the user's sessions."""

from django.conf import settings
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from access.services import user_sessions_revoke

WATCHED = {"password", "is_active"}


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def note_credential_changes(sender, instance, raw=False, update_fields=None, **kwargs):
    """Before a user is saved, note whether the password changes or the user is deactivated."""
    instance._revoke_sessions = instance._revoke_api_key = False
    if raw or instance.pk is None:
        return
    if update_fields is not None and not WATCHED & set(update_fields):
        return  # e.g. the last_login update on every login: nothing to compare
    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    deactivated = before["is_active"] and not instance.is_active
    instance._revoke_sessions = deactivated or before["password"] != instance.password
    instance._revoke_api_key = deactivated


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def revoke_sessions(sender, instance, created=False, raw=False, **kwargs):
    """Once the change is saved, end the sessions it invalidates."""
    if getattr(instance, "_revoke_sessions", False):
        user_sessions_revoke(user=instance, api_key=instance._revoke_api_key)
    instance._revoke_sessions = instance._revoke_api_key = False
