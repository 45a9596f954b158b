"""The directory's periodic job: thin, like every task (the work is in directory.services)."""

from celery import shared_task

from directory.contact import contact_messages_erase
from directory.selectors import company_today
from directory.services import (
    profiles_fair_rank,
    profiles_go_live_reconcile,
    profiles_publish_due,
    profiles_reverification_ask,
)


@shared_task
def publish_due_profiles() -> dict:
    """Publish every profile whose go-live date has come and take down those no longer due, as
    their stored go-live dates say (an index probe: nothing due costs a few milliseconds).

        Beat runs it shortly after midnight in the company time zone, when a go-live day begins, and
        again every few minutes (CELERY_BEAT_SCHEDULE), so neither a missed run nor a worker restart
        costs a provider a day. The directory's own job: the email sweep never waits for it.

        The same run erases the visitor's details of every contact message whose email has been
        delivered (or given up), so they are kept at most a few minutes past delivery."""
    try:
        result = profiles_publish_due()
    finally:
        # The promise to visitors does not wait on publishing: a failing run still erases.
        erased = contact_messages_erase()
    return {
        "published": len(result.published),
        "unpublished": len(result.unpublished),
        "contact_messages_erased": erased,
    }


@shared_task
def ask_directory_reverification() -> dict:
    """Ask the providers whose live profile was last confirmed 80 or more days ago to confirm it
    (No Surprises Act: every 90 days). Daily; a repeat run adds nothing (one email per period)."""
    return {"asked": profiles_reverification_ask()}


@shared_task
def rank_profiles() -> dict:
    """Write the new day's fair order of the public list and each live profile's payers in
    network that day (directory.services.profiles_fair_rank), before the 00:05 go-live sweep.

    Beat runs it at midnight in the company time zone and again every hour: a run for a day
    already ranked writes nothing, so the repeats only matter after a missed midnight (search
    meanwhile keeps yesterday's order)."""
    return {"ranked": profiles_fair_rank(today=company_today())}


@shared_task
def reconcile_go_live() -> dict:
    """Recompute every profile's go-live date and `is_live` from the rule's inputs and repair what
    the stored dates got wrong, logged as a warning with counts (directory.services.
    profiles_go_live_reconcile). Daily, at night: the full recompute the sweep no longer does."""
    result = profiles_go_live_reconcile()
    publish = result.publish
    return {
        "dates_repaired": result.dates_repaired,
        "published": len(publish.published) if publish else 0,
        "unpublished": len(publish.unpublished) if publish else 0,
    }
