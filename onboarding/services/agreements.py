from datetime import date, datetime

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from onboarding import emails
from onboarding.errors import ProviderAlreadyExists
from onboarding.models import (
    MembershipAgreement,
    OnboardingEvent,
    OnboardingStep,
    Provider,
)
from onboarding.services.outbox import outbox_enqueue


def agreement_record(
    *,
    legal_name: str,
    email: str,
    license_type: str,
    contracted_start_date: date,
    signed_at: datetime,
    source: str,
    recorded_by: User | None = None,
    source_reference: str = "",
    now: datetime | None = None,
) -> Provider:
    """Step 0: a signed membership agreement creates the provider and queues step 1's email.

    The user gets no usable password: the provider sets one at step 4 (portal access).
    """
    now = now or timezone.now()
    email = email.strip().lower()
    try:
        with transaction.atomic():
            if User.objects.filter(email__iexact=email).exists():
                raise ProviderAlreadyExists(f"{email} already has an account.")
            user = User.objects.create_user(email=email, password=None)
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
            provider = Provider.objects.create(
                user=user,
                legal_name=legal_name.strip(),
                license_type=license_type,
                contracted_start_date=contracted_start_date,
                onboarding_step=OnboardingStep.ACCOUNT_CREATED,
                step_changed_at=now,
            )
            MembershipAgreement.objects.create(
                provider=provider,
                signed_at=signed_at,
                source=source,
                source_reference=source_reference,
                recorded_by=recorded_by,
            )
            OnboardingEvent.objects.create(
                provider=provider,
                from_step="",
                to_step=OnboardingStep.ACCOUNT_CREATED,
                actor=recorded_by,
                note=f"Membership agreement signed {signed_at:%Y-%m-%d}",
                occurred_at=now,
            )
            outbox_enqueue(provider=provider, kind=emails.GENERAL_ONBOARDING, now=now)
    except IntegrityError as exc:
        # Two staff recording the same provider at once: the unique email index decides.
        raise ProviderAlreadyExists(f"{email} already has an account.") from exc
    return provider
