"""Reads of training progress that other apps need (completion check, dashboard)."""

from onboarding.models import Provider
from training.models import TrainingProgress


def training_progress(provider: Provider) -> TrainingProgress:
    """The provider's progress; an unsaved blank one when they have not started."""
    return TrainingProgress.objects.filter(provider=provider).first() or TrainingProgress(provider=provider)


def training_is_done(provider: Provider) -> bool:
    return TrainingProgress.objects.filter(
        provider=provider, webinar_completed_at__isnull=False, quiz_passed_at__isnull=False
    ).exists()
