from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse


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
        from onboarding.services.portal_access import password_link_lifetime  # noqa: PLC0415 - apps ready

        super().send_password_reset_mail(user, email, {**context, "link_valid_for": password_link_lifetime()})
