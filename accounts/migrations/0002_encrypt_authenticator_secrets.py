"""Encrypt the authenticator secrets stored before accounts.adapter.MFAAdapter did it.

Self-contained on purpose (a migration must keep working as the app code moves on): the same
keys as accounts.services, and the same Fernet keys as every other secret (alma.secrets).
"""

from django.db import migrations

from alma import secrets

SECRET_KEYS = ("secret", "seed")
SECRET_LISTS = ("migrated_codes",)
# Every Fernet token starts with its version byte 0x80 and a 64-bit timestamp whose top bytes
# are zero, so "gAAAAA" in urlsafe base64. A TOTP key is upper-case base32 and a recovery seed
# is hex: neither can start so.
FERNET_PREFIX = "gAAAAA"


def _encrypt(value: str) -> str:
    return value if value.startswith(FERNET_PREFIX) else secrets.encrypt(value)


def _decrypt(value: str) -> str:
    return secrets.decrypt(value) if value.startswith(FERNET_PREFIX) else value


def _map(data: dict, transform) -> dict:
    mapped = dict(data)
    for key in SECRET_KEYS:
        if key in mapped:
            mapped[key] = transform(mapped[key])
    for key in SECRET_LISTS:
        if key in mapped:
            mapped[key] = [transform(value) for value in mapped[key]]
    return mapped


def _rewrite(apps, transform) -> None:
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.exclude(type="webauthn").order_by("pk"):
        data = _map(authenticator.data, transform)
        if data != authenticator.data:
            Authenticator.objects.filter(pk=authenticator.pk).update(data=data)


def encrypt_plaintext_secrets(apps, schema_editor) -> None:
    _rewrite(apps, _encrypt)


def decrypt_secrets(apps, schema_editor) -> None:
    _rewrite(apps, _decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_plaintext_secrets, decrypt_secrets)]
