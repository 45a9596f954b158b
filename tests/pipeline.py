"""Bring a provider along the onboarding pipeline through the real services, as in production."""

from accounts.models import User
from onboarding.models import OnboardingStep, OutboxEmail, ReviewedForm
from portal import services as portal_services
from tests.factories import ProviderFactory, submit_general_onboarding, submit_insurance_form
from tests.helpers import staff_user

PASSWORD = "Harbor-Counsel-2026"  # the provider's portal password once access is granted


def reviewer() -> User:
    return User.objects.filter(email="pipeline-reviewer@alma.test").first() or staff_user(
        "pipeline-reviewer@alma.test", "review_onboarding_forms"
    )


def provider_at_forms_approved(provider=None, **provider_fields):
    """Steps 0-3: agreement, both forms submitted, both approved by staff (portal-access email queued)."""
    provider = provider or ProviderFactory(**provider_fields)
    # Carries on from wherever the provider is (steps 1 and 2 happen in order).
    if provider.onboarding_step == OnboardingStep.ACCOUNT_CREATED:
        submit_general_onboarding(provider)
        provider.refresh_from_db()
    if provider.onboarding_step == OnboardingStep.GENERAL_ONBOARDING_SUBMITTED:
        submit_insurance_form(provider)
    staff = reviewer()
    portal_services.form_approve(provider=provider, form=ReviewedForm.GENERAL_ONBOARDING, reviewer=staff)
    portal_services.form_approve(provider=provider, form=ReviewedForm.INSURANCE_FORM, reviewer=staff)
    provider.refresh_from_db()
    return provider


def grant_portal_access(provider, password: str = PASSWORD):
    """Step 4 without a browser: the password allauth would save, then the step it records."""
    provider.user.set_password(password)
    provider.user.save(update_fields=["password"])
    portal_services.portal_access_grant(provider=provider)
    provider.refresh_from_db()
    return provider


def completion_rows(provider):
    """The provider's "onboarding complete" emails in the outbox (step 6 queues exactly one)."""
    return OutboxEmail.objects.filter(provider=provider, step="onboarding_complete")
