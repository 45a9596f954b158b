"""Step 5: recording the webinar and the quiz. Each may complete onboarding (step 6).

Both lock the provider first, like every onboarding transition, so a webinar, a quiz and a
portal-access grant landing at the same moment are decided one after the other and the last
of them sees the other two: exactly one of them completes onboarding.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from onboarding.models import Provider
from onboarding.services.completion import onboarding_complete_if_done
from training.models import TrainingProgress


def _record(*, provider: Provider, field: str, now: datetime) -> TrainingProgress:
    with transaction.atomic():
        provider = Provider.objects.select_for_update().get(pk=provider.pk)
        progress, _ = TrainingProgress.objects.get_or_create(provider=provider)
        if getattr(progress, field) is None:
            # The first time counts (the go-live rule dates from it); repeats change nothing.
            setattr(progress, field, now)
            progress.save(update_fields=[field])
        onboarding_complete_if_done(provider=provider, now=now)
    return progress


def webinar_mark_watched(*, provider: Provider, now: datetime | None = None) -> TrainingProgress:
    """The provider watched the Insurance Program Training Webinar to the end."""
    return _record(provider=provider, field="webinar_completed_at", now=now or timezone.now())


def quiz_mark_passed(*, provider: Provider, now: datetime | None = None) -> TrainingProgress:
    """The provider passed the webinar's quiz."""
    return _record(provider=provider, field="quiz_passed_at", now=now or timezone.now())
