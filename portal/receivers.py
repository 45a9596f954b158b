"""The portal's reactions: sign-in events that move a provider's onboarding (step 4, portal
access), and the training completed (step 6).

The receivers only find the provider and call the service; the service decides (a provider
before FORMS_APPROVED, or already granted, is left as is).
"""

from allauth.account.signals import password_reset, user_logged_in
from django.dispatch import receiver

from onboarding.models import OnboardingStep, Provider
from portal.services import onboarding_complete_if_done, portal_access_grant
from training.signals import training_completed


def _provider_of(user) -> Provider | None:
    return Provider.objects.filter(user_id=user.pk).first()


@receiver(password_reset, dispatch_uid="portal.grant_portal_access_on_password_reset")
def grant_portal_access_on_password_reset(sender, request, user, **kwargs) -> None:
    # allauth sends this once the password from a reset-from-key link (the portal-access email
    # or "Forgot your password?") is saved, before it signs the provider in. The adapter's
    # set_password would also run for password changes and says nothing about which flow.
    if provider := _provider_of(user):
        portal_access_grant(provider=provider, note="Portal password set from an emailed link")


@receiver(user_logged_in, dispatch_uid="portal.grant_portal_access_on_sign_in")
def grant_portal_access_on_sign_in(sender, request, user, **kwargs) -> None:
    # A provider who set a password early with "Forgot your password?" (which moved no step)
    # may simply sign in once the forms are approved; without this they would wait at step 4
    # for good. allauth's own signal: Django's force_login (tests, admin tools) doesn't send it.
    # Checked again under the provider lock; this only spares every other sign-in a lock.
    provider = _provider_of(user)
    if provider and provider.onboarding_step == OnboardingStep.FORMS_APPROVED and user.has_usable_password():
        portal_access_grant(provider=provider, note="Signed in with the password set earlier")


@receiver(training_completed, dispatch_uid="portal.complete_onboarding_on_training_completed")
def complete_onboarding_on_training_completed(sender, provider, now, **kwargs) -> None:
    # In the training's transaction and under its provider lock: the webinar, the quiz and a
    # portal-access grant landing together are decided one after the other (step 6).
    onboarding_complete_if_done(provider=provider, now=now)
