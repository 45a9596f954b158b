"""The portal's reactions: sign-in events that move a provider's onboarding (step 4, portal
access), and the training completed (step 6).

Unenrolling from a payer: what it does to the directory profile (directory's live profile and
credentialing's other payers, so composed here), said on the confirmation page and in the email.

The receivers only find the provider and call the service; the service decides (a provider
before FORMS_APPROVED, or already granted, is left as is).
"""

from allauth.account.signals import password_reset, user_logged_in
from django.db.models import Min
from django.dispatch import receiver

from credentialing.models import ApplicationStatus, PayerApplication
from credentialing.selectors import payers_in_effect
from credentialing.signals import unenroll_consequences
from credentialing.unenrolling import PROFILE_OFFLINE, Consequence
from directory import selectors as directory_selectors
from directory.golive import day_label
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


@receiver(unenroll_consequences, dispatch_uid="portal.profile_consequence_of_unenrolling")
def profile_consequence_of_unenrolling(sender, application, today, **kwargs) -> list[Consequence]:
    """The directory lists a profile only while a payer has the provider in network (directory/
    golive.py): a live profile goes offline at once when no other payer is in effect today."""
    if application.status != ApplicationStatus.APPROVED:
        return []
    provider = application.provider
    others_in_effect = payers_in_effect(provider, today).exclude(pk=application.payer_id).order_by("name")
    names = [payer.name for payer in others_in_effect]
    is_live = directory_selectors.live_profiles().filter(provider_id=provider.pk).exists()
    if names:
        if not is_live:
            return []
        return [
            Consequence(
                "profile_stays_live",
                f"Your directory profile stays live: {', '.join(names)} still has you in network.",
                f"Your directory profile is still live: {', '.join(names)} still has you in network.",
            )
        ]
    next_start = (
        PayerApplication.objects.filter(
            provider=provider, status=ApplicationStatus.APPROVED, effective_date__gt=today
        )
        .exclude(pk=application.pk)
        .aggregate(start=Min("effective_date"))["start"]
    )
    until = (
        f" until {day_label(next_start)}, when your next payer approval takes effect"
        if next_start
        else " until another payer approves you"
    )
    if is_live:
        return [
            Consequence(
                PROFILE_OFFLINE,
                f"Your directory profile will be taken offline at once{until}: "
                "you have no other payer in effect.",
                f"Your directory profile was taken offline{until}: you have no other payer in effect.",
            )
        ]
    return [
        Consequence(
            "profile_not_live",
            f"Your directory profile can't go live{until}: you will have no other payer in effect.",
            f"Your directory profile can't go live{until}: you have no other payer in effect.",
        )
    ]
