"""The directory's periodic job: thin, like every task (the work is in directory.services)."""

from celery import shared_task

from directory.services import profiles_publish_due


@shared_task
def publish_due_profiles() -> dict:
    """Shortly after midnight in the company time zone (CELERY_BEAT_SCHEDULE): publish every
    profile whose go-live day has just begun. onboarding_sweep runs the same service every few
    minutes, so a missed midnight run costs minutes, not a day."""
    result = profiles_publish_due()
    return {"published": len(result.published), "unpublished": len(result.unpublished)}
