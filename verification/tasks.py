"""Verification's background work: thin, idempotent tasks that re-fetch and call one service."""

from celery import shared_task

from verification.services.npi import npi_check_run, npi_checks_retry
from verification.services.recredentialing import recredentialing_reminders_queue

# --- NPI registry checks (verification.services.npi) ---


@shared_task
def npi_check(check_id: int) -> str:
    """Queued on commit of an Insurance Form submission: one look-up. Idempotent (an answered check
    is left alone); a registry that is down leaves the check pending for npi_checks_sweep, which
    retries with backoff from the database rather than a long countdown on the broker."""
    return npi_check_run(check_id=check_id).status


@shared_task
def npi_checks_sweep() -> dict:
    """Every 10 minutes (CELERY_BEAT_SCHEDULE): the pending checks whose next attempt is due."""
    return npi_checks_retry()


# --- Recredentialing reminders (verification.services.recredentialing) ---


@shared_task
def queue_recredentialing_reminders() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): the 120/90/30-day reminders due today, to each provider and
    to the credentialing team. Safe to run again: each threshold's emails are queued once."""
    return recredentialing_reminders_queue()
