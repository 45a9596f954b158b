"""Thin Celery tasks: ids in, one service call, retries only for transient failures.

Every task runs under CELERY_TASK_SOFT_TIME_LIMIT / CELERY_TASK_TIME_LIMIT, which stay well below
OUTBOX_LEASE_SECONDS (onboarding/checks.py): a task never still sends when its lease runs out.
"""

import logging

from celery import shared_task
from django.conf import settings

from onboarding.services.outbox import TransientDeliveryError, outbox_deliver, outbox_sweep

logger = logging.getLogger(__name__)

# A few quick retries through the broker; after that the row waits in the database with its
# own backoff (next_attempt_at) for the periodic sweep, never as a long ETA task on Redis.
QUICK_RETRIES = 3
MAX_RETRY_COUNTDOWN = 300


def _sweep_time_budget() -> float:
    # The sweep stops taking rows in time to finish its last send before the soft time limit.
    return settings.CELERY_TASK_SOFT_TIME_LIMIT - 2 * settings.EMAIL_TIMEOUT


@shared_task(bind=True, max_retries=QUICK_RETRIES)
def send_outbox_email(self, email_id: int) -> str:
    try:
        # The task's own row first, then the rows claimed with it, within the same budget.
        return outbox_deliver(email_id=email_id, time_budget=_sweep_time_budget())
    except TransientDeliveryError as exc:
        if self.request.retries >= QUICK_RETRIES:
            return "left for the sweep"
        raise self.retry(exc=exc, countdown=min(exc.retry_in, MAX_RETRY_COUNTDOWN)) from exc


@shared_task
def onboarding_sweep() -> dict:
    """Send every unsent email and report those past due. Only the outbox: each app owns its own
    periodic work (the directory's publishing is directory.tasks.publish_due_profiles), so a
    failure in one never skips another's run."""
    result = outbox_sweep(time_budget=_sweep_time_budget())
    return {
        "sent": result.sent,
        "failed": result.failed,
        "retrying": result.retrying,
        "overdue": result.overdue,
        "errors": result.errors,
    }


@shared_task
def send_unsent_emails() -> dict:
    """Send every unsent email now: queued on commit by work that writes many outbox rows at once
    (the directory's publishing), one task instead of one per row."""
    result = outbox_sweep(time_budget=_sweep_time_budget())
    return {"sent": result.sent, "failed": result.failed, "retrying": result.retrying}
