from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.urls import reverse

from accounts.passwords import password_link_lifetime
from alma import secrets


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Providers are created from signed membership agreements and staff by operators.
        return False

    def get_reset_password_from_key_url(self, key: str) -> str:
        # Like every link Alma emails, built from SITE_URL, never from the request's Host
        # header (which an attacker asking for someone else's reset could choose).
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return f"{settings.SITE_URL}{path.replace('UID-KEY', quote(key))}"

    def send_password_reset_mail(self, user, email: str, context: dict) -> None:
        super().send_password_reset_mail(user, email, {**context, "link_valid_for": password_link_lifetime()})


class MFAAdapter(DefaultMFAAdapter):
    """Authenticator secrets (the TOTP key, the recovery-code seed) are stored encrypted with the
    project's Fernet keys: a copy of the database alone must not let anyone mint staff codes.
    allauth calls these two hooks around every read and write of those secrets."""

    def encrypt(self, text: str) -> str:
        return secrets.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return secrets.decrypt(encrypted_text)
