"""Encryption at rest for secrets providers give us (CAQH password, later bank account numbers).

Fernet (AES-128-CBC + HMAC) from `cryptography`, behind MultiFernet so keys can rotate:
FIELD_ENCRYPTION_KEYS lists keys newest first; the first encrypts, all decrypt, and
`manage.py rotate_encryption_keys` re-encrypts stored values under the first.
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SecretUnreadable(Exception):
    """A stored secret that none of the configured keys can decrypt."""


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return _current().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("No configured key decrypts this value (was a key removed?)") from exc


def rotate(token: str) -> str:
    """The same secret, encrypted under the newest key."""
    try:
        return _current().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("No configured key decrypts a stored value (was a key removed?)") from exc
