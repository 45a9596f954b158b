"""Writes to sign-in state that are ours rather than allauth's: authenticator secrets at rest."""

from collections.abc import Callable

from allauth.mfa.models import Authenticator

from alma import secrets

# Where allauth keeps each authenticator's secrets in `Authenticator.data` (allauth 65:
# mfa/totp/internal/auth.py, mfa/recovery_codes/internal/auth.py). WebAuthn keeps only a
# public key, which is not secret and not passed through the MFA adapter.
SECRET_KEYS = ("secret", "seed")  # the TOTP key; the seed the recovery codes derive from
SECRET_LISTS = ("migrated_codes",)  # recovery codes imported from django-allauth-2fa


def authenticator_data_map_secrets(data: dict, transform: Callable[[str], str]) -> dict:
    """`data` with every secret in it passed through `transform`, everything else as it was."""
    mapped = dict(data)
    for key in SECRET_KEYS:
        if key in mapped:
            mapped[key] = transform(mapped[key])
    for key in SECRET_LISTS:
        if key in mapped:
            mapped[key] = [transform(value) for value in mapped[key]]
    return mapped


def authenticator_secrets_rotate() -> int:
    """Re-encrypt every stored authenticator secret under the newest key; the number of
    authenticators rewritten. Raises `secrets.SecretUnreadable` if any one cannot be read: the
    caller holds the transaction, so then nothing changes (`rotate_encryption_keys`)."""
    rotated = 0
    queryset = Authenticator.objects.exclude(type=Authenticator.Type.WEBAUTHN).select_for_update()
    for authenticator in queryset.only("pk", "data").order_by("pk"):
        authenticator.data = authenticator_data_map_secrets(authenticator.data, secrets.rotate)
        authenticator.save(update_fields=["data"])
        rotated += 1
    return rotated
