"""Thin Celery tasks for credentialing."""

from celery import shared_task

from credentialing.services.expirables import expiry_reminders_send


@shared_task
def send_expiry_reminders() -> int:
    """Daily: the 60/30/7-day reminders due today (each exactly once, whatever the retries)."""
    return expiry_reminders_send()
