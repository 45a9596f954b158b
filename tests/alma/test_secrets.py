"""Encryption at rest with key rotation."""

import datetime as dt
import importlib
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from cryptography.fernet import Fernet
from django.apps import apps as django_apps
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from accounts.models import User
from alma import secrets
from credentialing.models import InsuranceForm
from credentialing.services.insurance_form import insurance_form_save_draft
from practice.models import PayoutAccount
from practice.services import payout_account_set
from tests.helpers import STAFF_PASSWORD, staff_user, totp_code

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_a_secret_round_trips_and_is_not_readable_without_a_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    token = secrets.encrypt("caqh-S3cret!")
    assert "caqh-S3cret!" not in token
    assert secrets.decrypt(token) == "caqh-S3cret!"
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(secrets.SecretUnreadable):
        secrets.decrypt(token)


@pytest.mark.django_db
def test_rotation_re_encrypts_every_secret_under_the_newest_key(settings, provider, capsys):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    insurance_form_save_draft(provider=provider, values={}, caqh_password="caqh-S3cret!")
    payout_account_set(
        provider=provider,
        holder_name="Ada Brennan",
        account_type="checking",
        routing_number="011000015",
        account_number="000123456789",
        actor=provider.user,
    )
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    call_command("rotate_encryption_keys")
    assert "Re-encrypted 2 secret(s)" in capsys.readouterr().out

    settings.FIELD_ENCRYPTION_KEYS = [NEW]  # the old key can now be dropped
    assert secrets.decrypt(InsuranceForm.objects.get().caqh_password_encrypted) == "caqh-S3cret!"
    assert secrets.decrypt(PayoutAccount.objects.get().account_number_encrypted) == "000123456789"


@pytest.mark.django_db
def test_rotation_without_the_old_key_fails_and_changes_nothing(settings, provider):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    insurance_form_save_draft(provider=provider, values={}, caqh_password="caqh-S3cret!")
    before = InsuranceForm.objects.get().caqh_password_encrypted
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("rotate_encryption_keys")
    assert InsuranceForm.objects.get().caqh_password_encrypted == before


# --- staff authenticator secrets (allauth MFA) -----------------------------------------------


def raw_authenticator_data() -> str:
    """What the database itself holds, below every Python layer."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT string_agg(data::text, ' ') FROM mfa_authenticator")
        return cursor.fetchone()[0] or ""


@pytest.mark.django_db
def test_an_activated_authenticator_app_is_stored_encrypted_and_still_signs_in(client, clock):
    cache.clear()  # allauth remembers used codes in the cache
    staff = staff_user("support@alma.test", "view_provider")
    client.force_login(staff)
    response = client.get(reverse("mfa_activate_totp"))
    client.post(response.url, {"password": STAFF_PASSWORD})  # allauth asks for the password first
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    assert client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)}).status_code == 302
    recovery_codes = RecoveryCodes(Authenticator.objects.get(type=Authenticator.Type.RECOVERY_CODES))

    stored = raw_authenticator_data()
    assert secret not in stored
    assert recovery_codes.instance.data["seed"] not in (None, "")
    assert secrets.decrypt(Authenticator.objects.get(type=Authenticator.Type.TOTP).data["secret"]) == secret
    assert not any(code in stored for code in recovery_codes.generate_codes())

    client.post(reverse("account_logout"))
    clock.shift(dt.timedelta(seconds=30))
    response = client.post(reverse("account_login"), {"login": staff.email, "password": STAFF_PASSWORD})
    assert response.url == reverse("mfa_authenticate")
    assert client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)}).status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


@pytest.mark.django_db
def test_the_migration_encrypts_secrets_stored_in_plaintext_once(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    staff = staff_user("support@alma.test")
    # As allauth stored them before the project's MFA adapter: in the clear.
    Authenticator.objects.create(
        user=staff, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    Authenticator.objects.create(
        user=staff, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "ab12" * 20, "used_mask": 0}
    )
    migration = importlib.import_module("accounts.migrations.0002_encrypt_authenticator_secrets")

    migration.encrypt_plaintext_secrets(django_apps, None)
    once = raw_authenticator_data()
    assert "JBSWY3DPEHPK3PXP" not in once
    assert "ab12ab12" not in once
    totp = TOTP(Authenticator.objects.get(type=Authenticator.Type.TOTP))
    assert totp.validate_code(format_hotp_value(hotp_value("JBSWY3DPEHPK3PXP", int(time.time()) // 30)))

    migration.encrypt_plaintext_secrets(django_apps, None)  # a second run leaves them as they are
    assert raw_authenticator_data() == once
    migration.decrypt_secrets(django_apps, None)  # and it can be undone
    assert "JBSWY3DPEHPK3PXP" in raw_authenticator_data()


@pytest.mark.django_db
def test_rotation_re_encrypts_authenticator_secrets_too(settings, capsys):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    staff = staff_user("support@alma.test")
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    codes = RecoveryCodes.activate(staff).generate_codes()

    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    call_command("rotate_encryption_keys")
    assert "Re-encrypted 2 secret(s)" in capsys.readouterr().out

    settings.FIELD_ENCRYPTION_KEYS = [NEW]  # the old key can now be dropped
    assert secrets.decrypt(Authenticator.objects.get(type=Authenticator.Type.TOTP).data["secret"]) == secret
    assert (
        RecoveryCodes(Authenticator.objects.get(type=Authenticator.Type.RECOVERY_CODES)).generate_codes()
        == codes
    )


@pytest.mark.django_db
def test_one_unreadable_authenticator_secret_stops_the_whole_rotation(settings, provider):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    insurance_form_save_draft(provider=provider, values={}, caqh_password="caqh-S3cret!")
    caqh_before = InsuranceForm.objects.get().caqh_password_encrypted
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # a key since lost
    TOTP.activate(staff_user("support@alma.test"), generate_totp_secret())
    totp_before = raw_authenticator_data()

    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("rotate_encryption_keys")
    assert InsuranceForm.objects.get().caqh_password_encrypted == caqh_before
    assert raw_authenticator_data() == totp_before


@pytest.mark.django_db
def test_the_admin_never_shows_or_edits_an_authenticator_secret(client, django_assert_max_num_queries):
    admin_user = User.objects.create_superuser(email="admin@alma.test", password="Admin-Desk-2026!")
    for n in range(5):
        TOTP.activate(staff_user(f"staff{n}@alma.test"), generate_totp_secret())
    authenticator = Authenticator.objects.order_by("pk").first()
    stored_secret = authenticator.data["secret"]
    plain_secret = secrets.decrypt(stored_secret)
    client.force_login(admin_user)

    with django_assert_max_num_queries(8):  # one row query whatever the number of rows
        listing = client.get(reverse("admin:mfa_authenticator_changelist"))
    assert listing.status_code == 200
    assert "staff0@alma.test" in listing.text
    assert "Last used" in listing.text

    page = client.get(reverse("admin:mfa_authenticator_change", args=[authenticator.pk]))
    assert page.status_code == 200
    assert "staff0@alma.test" in page.text
    for shown in (plain_secret, stored_secret, 'name="data"', "secret"):
        assert shown not in page.text, shown
    assert (
        client.post(
            reverse("admin:mfa_authenticator_change", args=[authenticator.pk]), {"data": '{"secret": "X"}'}
        ).status_code
        == 403
    )
    assert client.get(reverse("admin:mfa_authenticator_add")).status_code == 403
    authenticator.refresh_from_db()
    assert authenticator.data["secret"] == stored_secret
