"""Startup check: no send can outlive its outbox lease.

A claimed outbox row belongs to its sender until OUTBOX_LEASE_SECONDS have passed; after that
another sender may take it and send it again. So the longest a sender can take must be well
below the lease: EMAIL_TIMEOUT bounds each wait for the mail server, the Celery soft time limit
ends a task cleanly (the sweep hands its rows back), the hard limit kills what is left. Without
them a hung mail server once held a worker for 45 s, past a shorter lease, and the row went out
twice. "Well below" is at most half the lease, leaving room for the database work around a send.
"""

from django.conf import settings
from django.core import checks

# The longest a send may take, as a share of the lease.
LEASE_SHARE = 0.5


@checks.register("outbox")
def outbox_timeouts_below_the_lease(app_configs, **kwargs) -> list[checks.CheckMessage]:
    lease = settings.OUTBOX_LEASE_SECONDS
    limit = lease * LEASE_SHARE
    email_timeout = getattr(settings, "EMAIL_TIMEOUT", None)
    soft = getattr(settings, "CELERY_TASK_SOFT_TIME_LIMIT", None)
    hard = getattr(settings, "CELERY_TASK_TIME_LIMIT", None)
    errors: list[checks.CheckMessage] = []
    if not email_timeout or email_timeout > limit:
        errors.append(
            checks.Error(
                f"EMAIL_TIMEOUT is {email_timeout!r}; it must be set and at most {limit:g} s, "
                f"half of OUTBOX_LEASE_SECONDS ({lease} s).",
                hint="A mail server that stops answering would hold the sender past its lease, "
                "and another sender would send the email again. Set EMAIL_TIMEOUT (e.g. 20).",
                id="onboarding.E001",
            )
        )
    if not hard or hard > limit:
        errors.append(
            checks.Error(
                f"CELERY_TASK_TIME_LIMIT is {hard!r}; it must be set and at most {limit:g} s, "
                f"half of OUTBOX_LEASE_SECONDS ({lease} s).",
                hint="A task still sending when its lease runs out races the next sender: "
                "the email goes out twice. Set CELERY_TASK_TIME_LIMIT (e.g. 120).",
                id="onboarding.E002",
            )
        )
    if not soft or (hard and soft >= hard) or (email_timeout and soft <= 2 * email_timeout):
        errors.append(
            checks.Error(
                f"CELERY_TASK_SOFT_TIME_LIMIT is {soft!r}; it must be set, below "
                f"CELERY_TASK_TIME_LIMIT ({hard!r}) and above twice EMAIL_TIMEOUT ({email_timeout!r}).",
                hint="The soft limit lets a sweep hand its claimed rows back before the hard "
                "limit kills it, and must leave room for one timed-out send. Set "
                "CELERY_TASK_SOFT_TIME_LIMIT (e.g. 100).",
                id="onboarding.E003",
            )
        )
    return errors
