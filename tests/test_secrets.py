"""Encryption at rest with key rotation."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from alma import secrets
from credentialing.models import InsuranceForm
from credentialing.services.insurance_form import insurance_form_save_draft
from practice.models import PayoutAccount
from practice.services import payout_account_set

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
