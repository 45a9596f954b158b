"""Step 6: onboarding completes by itself once portal access and the training are both done.

Called after each of the events that can be the last one: portal access (step 4), the webinar
and the quiz (step 5), which PRODUCT.md allows in any order. The provider lock makes the check
and the move one decision, so the confirmation email is queued exactly once; the outbox's
(provider, kind, key) would refuse a second one anyway.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from onboarding.models import OnboardingStep, Provider
from onboarding.services.outbox import outbox_enqueue
from onboarding.services.steps import step_advance
from portal import emails
from training.selectors import training_is_done


def onboarding_complete_if_done(*, provider: Provider, now: datetime | None = None) -> bool:
    """Complete onboarding if steps 1-5 are all done; True when this call completed it."""
    now = now or timezone.now()
    with transaction.atomic():
        provider = Provider.objects.select_related("user").select_for_update(of=("self",)).get(pk=provider.pk)
        # Steps 1-4 happen strictly in order, so PORTAL_ACCESS_GRANTED means all four are done;
        # ONBOARDING_COMPLETE means an earlier call got here first.
        if provider.onboarding_step != OnboardingStep.PORTAL_ACCESS_GRANTED:
            return False
        if not training_is_done(provider):
            return False
        step_advance(
            provider=provider,
            to_step=OnboardingStep.ONBOARDING_COMPLETE,
            actor=None,  # automatic (PRODUCT.md step 6), whichever event came last
            now=now,
            note="Portal access, webinar and quiz all done",
        )
        outbox_enqueue(provider=provider, kind=emails.ONBOARDING_COMPLETE, now=now)
    return True
