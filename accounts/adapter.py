from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.urls import reverse

from accounts.passwords import password_link_lifetime
from alma import secrets

# The message allauth shows after a password is saved from an emailed link, and after sign-in.
PASSWORD_CHANGED_MESSAGE = "account/messages/password_changed.txt"  # noqa: S105 - a template name
LOGGED_IN_MESSAGE = "account/messages/logged_in.txt"


class AccountAdapter(DefaultAccountAdapter):
    # allauth's wording, in the portal's: a provider who has no password yet is told where to go.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": (
            "That email address and password don't match. Still onboarding? You don't have a "
            "password yet: use the link in Alma's email, or ask for it again below."
        ),
        "too_many_login_attempts": (
            "Too many sign-in attempts with this address. Please wait a few minutes and try again, "
            'or choose "Forgot your password?".'
        ),
        "account_inactive": "This account is closed. Contact Member Support if you think that's a mistake.",
    }

    def set_password(self, user, password: str) -> None:
        # The first password (portal access) gets its own welcome, not "your new password is saved":
        # remembered on the request for add_message, which allauth calls right after.
        first = not user.has_usable_password()
        super().set_password(user, password)
        if self.request is not None and first:
            self.request.alma_first_password = True

    def add_message(  # noqa: PLR0917 - allauth's signature
        self, request, level, message_template=None, message_context=None, extra_tags="", message=None
    ):
        first_password = getattr(request, "alma_first_password", False)
        if first_password and message_template == LOGGED_IN_MESSAGE:
            return  # the welcome already says it
        if message_template == PASSWORD_CHANGED_MESSAGE:
            message_context = {**(message_context or {}), "first_password": first_password}
        super().add_message(request, level, message_template, message_context, extra_tags, message)

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
