"""Thin Celery tasks: ids in, one service call, retries only for transient failures."""

from celery import shared_task

from onboarding.services.outbox import TransientDeliveryError, outbox_deliver, outbox_sweep


@shared_task(bind=True, max_retries=6)
def send_outbox_email(self, email_id: int) -> str:
    try:
        return outbox_deliver(email_id=email_id)
    except TransientDeliveryError as exc:
        # Short backoff only; anything longer is the periodic sweep's job, not the broker's.
        raise self.retry(exc=exc, countdown=exc.retry_in) from exc


@shared_task
def onboarding_sweep() -> dict:
    result = outbox_sweep()
    return {
        "sent": result.sent,
        "failed": result.failed,
        "retrying": result.retrying,
        "overdue": result.overdue,
    }
