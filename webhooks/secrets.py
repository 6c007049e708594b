"""Signing secrets: made here, shown once, stored encrypted, used to sign.

A subscriber checks each request with the same secret (HMAC-SHA256, Standard Webhooks), so
the portal must be able to read it back: unlike an API key, it cannot be kept as a hash
(docs/security.md). It is kept encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from
`cryptography`) under `WEBHOOKS_ENCRYPTION_KEYS`, or, when that is empty, under a key
derived from SECRET_KEY. Several keys may be listed: the first encrypts, all decrypt
(MultiFernet), so the key can be rotated.
"""

import base64
import functools
import secrets

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "whsec_"
SECRET_BYTES = 32  # Standard Webhooks asks for 24 to 64


def new_secret() -> str:
    """A fresh signing secret, as Standard Webhooks writes them: whsec_<base64>."""
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _derived_key(secret_key: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"portal webhook secrets")
    return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode()))


@functools.cache
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    material = [key.encode() for key in keys] or [_derived_key(secret_key)]
    return MultiFernet([Fernet(key) for key in material])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.WEBHOOKS_ENCRYPTION_KEYS), settings.SECRET_KEY)


def encrypt(secret: str) -> str:
    return _current().encrypt(secret.encode()).decode()


def decrypt(token: str) -> str:
    return _current().decrypt(token.encode()).decode()
