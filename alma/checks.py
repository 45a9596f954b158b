"""System checks for the kernel's configuration: problems that would otherwise show only later,
at the first save of a secret, are reported at startup and by `manage.py check --deploy`."""

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.checks import Error

GENERATE_KEY_HINT = (
    "Set FIELD_ENCRYPTION_KEYS to a comma-separated list of Fernet keys, newest first. Make one with: "
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)


def field_encryption_keys_check(app_configs=None, **kwargs) -> list[Error]:
    """FIELD_ENCRYPTION_KEYS builds the MultiFernet that alma.secrets encrypts with.

    Keys are named by their position only: a check's output goes to logs and terminals.
    """
    keys = getattr(settings, "FIELD_ENCRYPTION_KEYS", None)
    if not isinstance(keys, list | tuple):
        return [
            Error(
                f"FIELD_ENCRYPTION_KEYS must be a list of keys, not {type(keys).__name__}.",
                hint=GENERATE_KEY_HINT,
                id="alma.E001",
            )
        ]
    if not keys:
        return [
            Error(
                "FIELD_ENCRYPTION_KEYS is empty: secrets (CAQH passwords, account numbers) cannot be saved.",
                hint=GENERATE_KEY_HINT,
                id="alma.E002",
            )
        ]
    fernets, errors = [], []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError):  # binascii.Error is a ValueError
            errors.append(
                Error(
                    f"FIELD_ENCRYPTION_KEYS key {position} of {len(keys)} is not a Fernet key "
                    "(32 url-safe base64-encoded bytes).",
                    hint=GENERATE_KEY_HINT,
                    id="alma.E003",
                )
            )
    if errors:
        return errors
    # What alma.secrets builds at the first save; it refuses an empty list on its own too.
    MultiFernet(fernets)
    return errors
