"""System checks for the kernel's configuration: problems that would otherwise show only later,
at the first save of a secret or under a second web process, are reported at startup and by
`manage.py check --deploy`."""

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


# Caches that each process keeps to itself (or none at all): counters kept there are per process.
PROCESS_LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


def shared_cache_check(app_configs=None, **kwargs) -> list[Error]:
    """A deployment needs one cache shared by every process (CACHE_URL, e.g. Redis).

    The sign-in rate limits (allauth counts attempts in the cache) and the NPI registry's
    throttle (verification.npi_registry) hold across web processes and workers only when they
    all count in the same place; with an in-process cache each gunicorn worker grants its own
    ten bad passwords and its own share of registry requests. The base settings default to
    LocMem so local runs need nothing running; registered for `check --deploy` only."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PROCESS_LOCAL_CACHES:
        return []
    return [
        Error(
            f"The default cache is process-local ({backend.rsplit('.', 1)[-1]}): the sign-in rate "
            "limits and the NPI registry throttle would count per process, not per deployment.",
            hint="Set CACHE_URL to a cache every web process and worker shares, e.g. redis://redis:6379/1.",
            id="alma.E004",
        )
    ]
