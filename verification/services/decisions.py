"""The Credentialing Committee's decision on a provider's file, and its notice to the provider.

`decision_record` is the one way a decision is written. A decision is never edited: a new one
(a recredentialing, or a decision after a deferral) is a new row, so the rows are the audit
history, each with who decided, when it was recorded, the file as it stood (file_snapshot) and,
for an override, who overrode and why.

- Approving or denying needs a ready file on the decision date (verification.readiness: every
  required item present and verified at most 120 days before). A member of staff with the
  override permission (Admin) may decide on a file that is not ready by writing why; the
  override is kept on the decision. A deferral needs no ready file: the committee defers
  precisely because it waits for something, and the snapshot says what was missing.
- The decision date is not in the future (verification.readiness.decision_date_problem). A date
  before the provider's latest decision, or more than MAX_BACKDATE_DAYS ago, needs an Admin's
  override with a reason, like a file that is not ready (verification.readiness.backdating_problem).
- A provider with a confirmed exclusion match (exclusions.selectors.screenings) is never approved,
  override or not: federal health programmes may not pay an excluded provider. Denying or
  deferring stays possible.
- The cycle is "recredentialing" while an earlier approval's recredentialing is still open (up
  to the last day of its 30-day grace, verification.recredentialing), and "initial" otherwise:
  the first decision, after a denial, or once the grace has run out (NCQA: initial
  credentialing again).
- An approval sets the recredentialing due date, 36 months on.
- The provider's notice is queued in the outbox with the decision (key "decision-<id>", so one
  per decision), and notice_queued_at records it; the SLA board watches that it is sent within
  30 days of the decision date (NCQA).
"""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from exclusions.selectors import screenings
from onboarding.models import Provider
from onboarding.services.outbox import outbox_enqueue
from verification import emails
from verification import file as verification_file
from verification.errors import (
    ConfirmedExclusion,
    DecisionDateRefused,
    DecisionDetailsMissing,
    DecisionNotPermitted,
    FileNotReady,
)
from verification.models import CredentialingDecision
from verification.readiness import backdating_problem, decision_date_problem
from verification.recredentialing import grace_ends_on, recredentialing_due_on

RECORD_PERMISSION = "verification.record_credentialing_decision"
OVERRIDE_PERMISSION = "verification.override_file_readiness"
Outcome = CredentialingDecision.Outcome
Cycle = CredentialingDecision.Cycle
# The outcomes that decide on the file's merits, and so need a ready file (or an override).
NEEDS_READY_FILE = {Outcome.APPROVED, Outcome.DENIED}


def _day(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"  # "July 1, 2026", as the other emails write dates


def decision_cycle(*, provider: Provider, decided_on: date) -> str:
    """Initial or recredentialing, from the provider's last approval or denial up to that date."""
    previous = (
        CredentialingDecision.objects.filter(
            provider=provider, outcome__in=NEEDS_READY_FILE, decided_on__lte=decided_on
        )
        .order_by("-decided_on", "-pk")
        .only("outcome", "recredentialing_due_on")
        .first()
    )
    if previous is None or previous.outcome != Outcome.APPROVED or previous.recredentialing_due_on is None:
        return Cycle.INITIAL
    if decided_on > grace_ends_on(previous.recredentialing_due_on):
        return Cycle.INITIAL
    return Cycle.RECREDENTIALING


def decision_record(
    *,
    provider: Provider,
    outcome: str,
    decided_on: date,
    reason: str,
    actor: User,
    override_reason: str = "",
    now: datetime | None = None,
) -> CredentialingDecision:
    """Record the committee's decision and queue the provider's notice, in one transaction.

    Raises DecisionNotPermitted, DecisionDetailsMissing, DecisionDateRefused, ConfirmedExclusion
    or FileNotReady (with the file's reasons), and writes nothing then."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    reason = reason.strip()
    override_reason = override_reason.strip()
    if not actor.has_perm(RECORD_PERMISSION):
        raise DecisionNotPermitted("Only the Credentialing Committee records credentialing decisions.")
    if override_reason and not actor.has_perm(OVERRIDE_PERMISSION):
        raise DecisionNotPermitted("Only an Admin may record a decision on a file that is not ready.")
    if outcome not in Outcome.values:
        raise DecisionDetailsMissing(f"{outcome!r} is not a decision: approve, deny or defer.")
    if not reason:
        raise DecisionDetailsMissing("Write the committee's reason: the provider reads it in their notice.")
    problem = decision_date_problem(decided_on, today=today)
    if problem:
        raise DecisionDateRefused(problem)

    with transaction.atomic():
        # One decision at a time per provider: the cycle and the file are read under the lock.
        provider = Provider.objects.select_for_update().select_related("user").get(pk=provider.pk)
        if outcome == Outcome.APPROVED and any(screening.confirmed for screening in screenings(provider)):
            raise ConfirmedExclusion(
                "The provider has a confirmed exclusion match, so they cannot be approved, "
                "not even with an override. Deny or defer instead."
            )
        latest_decided_on = (
            CredentialingDecision.objects.filter(provider=provider)
            .order_by("-decided_on")
            .values_list("decided_on", flat=True)
            .first()
        )
        backdated = backdating_problem(decided_on, today=today, latest_decided_on=latest_decided_on)
        if backdated and not override_reason:
            raise DecisionDateRefused(f"{backdated} Only an Admin may record it, with a written reason.")
        readiness = verification_file.file_readiness_for(provider, today, decided_on)
        not_ready = outcome in NEEDS_READY_FILE and not readiness.ready
        if not_ready and not override_reason:
            raise FileNotReady(readiness.reasons)
        overriding = not_ready or bool(backdated)
        decision = CredentialingDecision.objects.create(
            provider=provider,
            cycle=decision_cycle(provider=provider, decided_on=decided_on),
            outcome=outcome,
            decided_on=decided_on,
            reason=reason,
            decided_by=actor,
            recorded_at=now,
            file_snapshot=readiness.as_dict(),
            override_reason=override_reason if overriding else "",
            overridden_by=actor if overriding else None,
            recredentialing_due_on=recredentialing_due_on(decided_on)
            if outcome == Outcome.APPROVED
            else None,
        )
        context = {"outcome": outcome, "decided_on": _day(decided_on), "reason": reason}
        if decision.recredentialing_due_on is not None:
            context["recredentialing_due_on"] = _day(decision.recredentialing_due_on)
        outbox_enqueue(
            provider=provider,
            kind=emails.CREDENTIALING_DECISION,
            key=f"decision-{decision.pk}",
            context=context,
            now=now,
        )
        decision.notice_queued_at = now
        decision.save(update_fields=["notice_queued_at"])
    return decision
