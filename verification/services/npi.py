"""The NPI registry checks: requested when the Insurance Form is submitted, run by a task, retried
by a sweep while the registry is down. The check row is the evidence (raw answer, retrieval
time) and the audit of the look-up (attempts, last error)."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from credentialing.selectors import insurance_form_with_rows
from onboarding.models import Provider
from verification.models import NpiRegistryCheck
from verification.npi_registry import client
from verification.npi_registry.flags import StatedFacts, StatedLicense, registry_flags

# When the next attempt of a pending check is due, counted from its request: the first runs at
# once (the task queued on commit), then 5 minutes, 15 minutes, 1, 4 and 12 hours after the
# request, then once a day. The sweep (verification.tasks.npi_checks_sweep) runs every 10 minutes.
RETRY_AFTER_MINUTES = (0, 5, 15, 60, 240, 720)
DAILY = 24 * 60
SWEEP_BATCH = 40  # at 2 look-ups a second, well inside a task's soft time limit
# After this many failed look-ups (about four and a half days on the schedule above) a check stops
# being retried and is marked "Registry not reachable" for staff to look at by hand.
MAX_ATTEMPTS = 10

logger = logging.getLogger(__name__)


def retry_due_after(attempts: int) -> timedelta:
    """How long after the request the attempt after `attempts` failed ones is due (pure)."""
    if attempts < len(RETRY_AFTER_MINUTES):
        return timedelta(minutes=RETRY_AFTER_MINUTES[attempts])
    return timedelta(minutes=RETRY_AFTER_MINUTES[-1] + DAILY * (attempts - len(RETRY_AFTER_MINUTES) + 1))


def npi_check_request(*, provider: Provider, npi: str, now: datetime | None = None) -> NpiRegistryCheck:
    """A pending check of `npi` for `provider`; the caller queues npi_check_run on commit.

    The provider's older checks still pending are retired (SUPERSEDED, kept as evidence of the
    request): only the latest submission's NPI is worth asking the registry about."""
    now = now or timezone.now()
    with transaction.atomic():
        NpiRegistryCheck.objects.filter(provider=provider, status=NpiRegistryCheck.Status.PENDING).update(
            status=NpiRegistryCheck.Status.SUPERSEDED, next_attempt_at=None
        )
        return NpiRegistryCheck.objects.create(
            provider=provider,
            npi=npi,
            status=NpiRegistryCheck.Status.PENDING,
            requested_at=now,
            next_attempt_at=now,
        )


def _count_failure(locked: NpiRegistryCheck, error: str) -> NpiRegistryCheck:
    """Count a failed attempt on a locked pending check: schedule the next one, or give up after
    MAX_ATTEMPTS and leave it "Registry not reachable" for staff."""
    locked.attempts += 1
    locked.last_error = error[:500]
    if locked.attempts >= MAX_ATTEMPTS:
        locked.status = NpiRegistryCheck.Status.UNREACHABLE
        locked.next_attempt_at = None
    else:
        locked.next_attempt_at = locked.requested_at + retry_due_after(locked.attempts)
    locked.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
    return locked


def npi_check_failed(*, check_id: int, error: str) -> NpiRegistryCheck:
    """An attempt at a pending check failed in a way the run did not expect (a bug, a malformed
    answer): count it like a registry outage, so the check is retried and, in the end, given up."""
    with transaction.atomic():
        locked = NpiRegistryCheck.objects.select_for_update().get(pk=check_id)
        if locked.status != NpiRegistryCheck.Status.PENDING:
            return locked
        return _count_failure(locked, error)


def _stated_facts(provider: Provider) -> StatedFacts:
    record = insurance_form_with_rows(provider)
    licenses = tuple(
        StatedLicense(state=row.state, license_type=row.license_type, number=row.number)
        for row in (record.licenses.all() if record is not None else ())
    )
    return StatedFacts(legal_name=provider.legal_name, licenses=licenses)


@dataclass(frozen=True)
class _Outcome:
    status: str
    raw_answer: dict
    retrieved_at: datetime
    flags: list[dict]


def _outcome(check: NpiRegistryCheck, answer: client.Answer) -> _Outcome:
    envelope = answer.envelope
    if envelope.errors:
        status = NpiRegistryCheck.Status.REFUSED
    elif envelope.record is None:
        status = NpiRegistryCheck.Status.NOT_FOUND
    else:
        status = NpiRegistryCheck.Status.CHECKED
    flags = registry_flags(envelope, _stated_facts(check.provider), npi=check.npi)
    return _Outcome(
        status=status,
        raw_answer=answer.body,
        retrieved_at=answer.retrieved_at,
        flags=[flag.as_dict() for flag in flags],
    )


def npi_check_run(*, check_id: int) -> NpiRegistryCheck:
    """Ask the registry for a pending check; a check already answered is left as it is.

    The registry is asked outside any lock (it may take seconds); the answer is written under
    the row's lock, and only if the check is still pending (another run may have answered it).
    A transient failure counts the attempt and leaves the check pending for the sweep."""
    check = NpiRegistryCheck.objects.select_related("provider").get(pk=check_id)
    if check.status != NpiRegistryCheck.Status.PENDING:
        return check
    try:
        outcome: _Outcome | None = _outcome(check, client.lookup(check.npi))
        error = ""
    except client.RegistryUnavailable as exc:
        outcome, error = None, str(exc)
    with transaction.atomic():
        locked = NpiRegistryCheck.objects.select_for_update().get(pk=check_id)
        if locked.status != NpiRegistryCheck.Status.PENDING:
            return locked
        if outcome is None:
            return _count_failure(locked, error)
        locked.attempts += 1
        locked.next_attempt_at = None
        locked.status = outcome.status
        locked.raw_answer = outcome.raw_answer
        locked.retrieved_at = outcome.retrieved_at
        locked.flags = outcome.flags
        locked.last_error = ""
        locked.save(
            update_fields=[
                "attempts",
                "status",
                "raw_answer",
                "retrieved_at",
                "flags",
                "last_error",
                "next_attempt_at",
            ]
        )
    return locked


def npi_checks_due(now: datetime) -> list[int]:
    """The pending checks whose next attempt is due (longest waiting first), at most SWEEP_BATCH:
    one query on the partial index npi_check_due, whatever the number of pending checks."""
    return list(
        NpiRegistryCheck.objects.filter(status=NpiRegistryCheck.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def npi_checks_retry(*, now: datetime | None = None) -> dict[str, int]:
    """The sweep: run every pending check that is due. Two sweeps at once may ask the registry
    twice about one check (the second answer comes from the cache); only one answer is kept.
    A check that fails unexpectedly is logged and counted as an attempt; the sweep goes on."""
    now = now or timezone.now()
    counts = {"checked": 0, "still_pending": 0, "failed": 0, "unreachable": 0}
    for check_id in npi_checks_due(now):
        try:
            check = npi_check_run(check_id=check_id)
        except Exception as exc:  # one bad check must not stop the others
            logger.exception("NPI registry check %s failed", check_id)
            check = npi_check_failed(check_id=check_id, error=f"{type(exc).__name__}: {exc}")
            if check.status != NpiRegistryCheck.Status.UNREACHABLE:
                counts["failed"] += 1
                continue
        if check.status == NpiRegistryCheck.Status.UNREACHABLE:
            counts["unreachable"] += 1
        elif check.status == NpiRegistryCheck.Status.PENDING:
            counts["still_pending"] += 1
        else:
            counts["checked"] += 1
    return counts
