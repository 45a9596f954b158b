"""Thin Celery tasks: ids in, one service call, retries only for transient failures."""

from celery import shared_task

from directory.services import profiles_publish_due
from onboarding.services.outbox import TransientDeliveryError, outbox_deliver, outbox_sweep

# A few quick retries through the broker; after that the row waits in the database with its
# own backoff (next_attempt_at) for the periodic sweep, never as a long ETA task on Redis.
QUICK_RETRIES = 3
MAX_RETRY_COUNTDOWN = 300


@shared_task(bind=True, max_retries=QUICK_RETRIES)
def send_outbox_email(self, email_id: int) -> str:
    try:
        return outbox_deliver(email_id=email_id)
    except TransientDeliveryError as exc:
        if self.request.retries >= QUICK_RETRIES:
            return "left for the sweep"
        raise self.retry(exc=exc, countdown=min(exc.retry_in, MAX_RETRY_COUNTDOWN)) from exc


@shared_task
def onboarding_sweep() -> dict:
    """Publish the directory profiles that are due, then send every unsent email (theirs too)."""
    published = profiles_publish_due()
    result = outbox_sweep()
    return {
        "profiles_published": len(published.published),
        "profiles_unpublished": len(published.unpublished),
        "sent": result.sent,
        "failed": result.failed,
        "retrying": result.retrying,
        "overdue": result.overdue,
    }


@shared_task
def send_unsent_emails() -> dict:
    """Send every unsent email now: queued on commit by work that writes many outbox rows at once
    (the directory's publishing), one task instead of one per row."""
    result = outbox_sweep()
    return {"sent": result.sent, "failed": result.failed, "retrying": result.retrying}
