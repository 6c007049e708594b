"""Issuing, checking and revoking credentials."""

import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from access.models import ApiKey

ALPHANUMERIC = string.ascii_letters + string.digits


def random_string(length, alphabet=ALPHANUMERIC):
    """A cryptographically random string of `length` characters from `alphabet`."""
    return "".join(secrets.choice(alphabet) for _ in range(length))


def hash_secret(secret):
    """SHA-256 hex digest of a long random secret (a KDF would only add per-request cost)."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedApiKey:
    """A freshly issued key with its secret in clear: the only time the secret exists."""

    api_key: str
    api_secret: str


def api_key_issue(*, user):
    """Give `user` a new API key, replacing any earlier one; return it with its secret."""
    key, secret = random_string(32), random_string(64)
    ApiKey.objects.update_or_create(
        user=user,
        defaults={
            "key": key,
            "secret_hash": hash_secret(secret),
            "created_at": timezone.now(),
            "last_used_at": None,
        },
    )
    return IssuedApiKey(api_key=key, api_secret=secret)


def api_key_revoke(*, user):
    """Delete `user`'s API key so that it stops working at once; True if there was one."""
    deleted, _ = ApiKey.objects.filter(user=user).delete()
    return bool(deleted)


def api_key_authenticate(*, key, secret):
    """The active user owning this key and secret, or None. One indexed query."""
    api_key = ApiKey.objects.select_related("user").filter(key=key).first() if key else None
    if api_key is None or not hmac.compare_digest(api_key.secret_hash, hash_secret(secret)):
        return None
    if not api_key.user.is_active:
        return None
    _touch_last_used(api_key)
    return api_key.user


def _touch_last_used(api_key):
    # Writing on every request would turn each read into a write; a minute's
    # resolution is enough to tell which keys are in use.
    now = timezone.now()
    resolution = timedelta(seconds=settings.API_KEY_LAST_USED_RESOLUTION_SECONDS)
    if api_key.last_used_at is None or now - api_key.last_used_at >= resolution:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
