"""Sign-in events: those that move a provider's onboarding (step 4, portal access), and the
start of every session's clocks (alma.sessions).

The receivers only find the provider and call the service; the service decides (a provider
before FORMS_APPROVED, or already granted, is left as is).
"""

from allauth.account.signals import password_reset, user_logged_in
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from alma.sessions import session_signed_in
from onboarding.models import OnboardingStep, Provider
from onboarding.services import portal_access_grant


def _provider_of(user) -> Provider | None:
    return Provider.objects.filter(user_id=user.pk).first()


@receiver(password_reset, dispatch_uid="accounts.grant_portal_access_on_password_reset")
def grant_portal_access_on_password_reset(sender, request, user, **kwargs) -> None:
    # allauth sends this once the password from a reset-from-key link (the portal-access email
    # or "Forgot your password?") is saved, before it signs the provider in. The adapter's
    # set_password would also run for password changes and says nothing about which flow.
    if provider := _provider_of(user):
        portal_access_grant(provider=provider, note="Portal password set from an emailed link")


@receiver(user_logged_in, dispatch_uid="accounts.grant_portal_access_on_sign_in")
def grant_portal_access_on_sign_in(sender, request, user, **kwargs) -> None:
    # A provider who set a password early with "Forgot your password?" (which moved no step)
    # may simply sign in once the forms are approved; without this they would wait at step 4
    # for good. allauth's own signal: Django's force_login (tests, admin tools) doesn't send it.
    # Checked again under the provider lock; this only spares every other sign-in a lock.
    provider = _provider_of(user)
    if provider and provider.onboarding_step == OnboardingStep.FORMS_APPROVED and user.has_usable_password():
        portal_access_grant(provider=provider, note="Signed in with the password set earlier")


@receiver(auth_signals.user_logged_in, dispatch_uid="accounts.start_session_clocks")
def start_session_clocks(sender, request, user, **kwargs) -> None:
    # Django's own signal, sent by every sign-in (allauth's after its MFA stage, force_login):
    # the idle and lifetime limits of alma.sessions count from here.
    if request is not None and hasattr(request, "session"):
        session_signed_in(request)
