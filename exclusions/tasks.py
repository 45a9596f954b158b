"""Exclusion monitoring's background work: thin, idempotent tasks that call one service."""

from celery import shared_task

from exclusions import services
from onboarding.models import Provider


@shared_task
def exclusions_monthly_check() -> dict[str, int]:
    """Daily (CELERY_BEAT_SCHEDULE): every active provider against each source's latest list, for
    the sources not yet matched this month against that list. Running it again does nothing:
    a source already matched this month is skipped, and a case is never opened twice."""
    runs = services.exclusions_monthly_run()
    return {run.source: run.new_cases for run in runs}


@shared_task
def exclusions_check_provider(provider_id: int) -> int:
    """Queued on commit of an Insurance Form submission: that provider against every list now.
    Again for the same provider opens no second case. Returns the number of new cases."""
    provider = Provider.objects.filter(pk=provider_id).first()
    if provider is None:
        return 0
    runs = services.exclusions_run(provider=provider, trigger="insurance form submitted")
    return sum(run.new_cases for run in runs)
