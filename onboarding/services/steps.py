from datetime import datetime

from accounts.models import User
from alma.transitions import TransitionTable
from onboarding.errors import InvalidTransition
from onboarding.models import OnboardingEvent, OnboardingStep, Provider

# Steps 1-4 happen strictly in order (PRODUCT.md); a move not listed here is refused.
TRANSITIONS = TransitionTable(
    {
        "": frozenset({OnboardingStep.ACCOUNT_CREATED}),
        OnboardingStep.ACCOUNT_CREATED: frozenset({OnboardingStep.GENERAL_ONBOARDING_SUBMITTED}),
        OnboardingStep.GENERAL_ONBOARDING_SUBMITTED: frozenset({OnboardingStep.INSURANCE_FORM_SUBMITTED}),
        OnboardingStep.INSURANCE_FORM_SUBMITTED: frozenset({OnboardingStep.FORMS_APPROVED}),
        OnboardingStep.FORMS_APPROVED: frozenset({OnboardingStep.PORTAL_ACCESS_GRANTED}),
        # Step 5 (webinar and quiz) may happen at any time; completion follows whichever is last.
        OnboardingStep.PORTAL_ACCESS_GRANTED: frozenset({OnboardingStep.ONBOARDING_COMPLETE}),
        OnboardingStep.ONBOARDING_COMPLETE: frozenset(),
    },
    error=InvalidTransition,
)


def step_advance(
    *, provider: Provider, to_step: str, actor: User | None, now: datetime, note: str = ""
) -> OnboardingEvent:
    """Move a provider (already locked by the caller's select_for_update) to `to_step`."""
    from_step = provider.onboarding_step
    TRANSITIONS.check(
        from_step,
        to_step,
        message=lambda: (
            f"{provider} cannot move from {OnboardingStep(from_step).label!r} "
            f"to {OnboardingStep(to_step).label!r}."
        ),
    )
    provider.onboarding_step = to_step
    provider.step_changed_at = now
    provider.save(update_fields=["onboarding_step", "step_changed_at"])
    return OnboardingEvent.objects.create(
        provider=provider,
        from_step=from_step,
        to_step=to_step,
        actor=actor,
        note=note,
        occurred_at=now,
    )
