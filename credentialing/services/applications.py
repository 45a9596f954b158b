"""Payer applications and program enrollments (PRODUCT.md, "Credentialing").

An application moves requested -> submitted -> approved (with an effective date) or denied (with a
reason), and is withdrawn when the provider unenrolls from the payer. Every move is checked
against TRANSITIONS and recorded as one PayerApplicationEvent (who, when, from, to, note).

Requesting again. There is one row per (provider, payer) (the unique constraint), so a provider
who was denied, or who unenrolled, requests again by moving that same row back to "requested":
the previous attempt's dates, effective date and denial reason are cleared from the row, and
stay readable in the event history (an approval's note carries its effective date, a denial's
note its reason, a withdrawal's note the programs it ended).

Bulk moves (the admin actions) are set-based: whatever the number of rows, one SELECT ... FOR
UPDATE, one UPDATE, one INSERT of events and, for the moves the provider is emailed about
(submitted, approved, denied: credentialing/emails.py), one INSERT into the outbox. Rows that
cannot make the move are left as they are and reported back with the reason; the others move.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from alma.transitions import TransitionTable
from credentialing.emails import PAYER_UNENROLLED, application_email
from credentialing.errors import (
    AlreadyEnrolled,
    DecisionDetailsMissing,
    InvalidApplicationTransition,
    NotEnrolled,
    PayerNotAccepting,
    PayerNotApproved,
    ProgramUnavailable,
)
from credentialing.models import (
    ApplicationStatus,
    Payer,
    PayerApplication,
    PayerApplicationEvent,
    Program,
    ProgramEnrollment,
)
from credentialing.signals import network_changed, payer_withdrawn
from credentialing.turnaround import turnaround_history_changed
from credentialing.unenrolling import PROFILE_OFFLINE, consequences_of_unenrolling
from onboarding.models import Provider
from onboarding.services.outbox import outbox_enqueue, outbox_enqueue_many

logger = logging.getLogger(__name__)

S = ApplicationStatus
NEW = ""  # the "from" of an application's first event

# PRODUCT.md: requested -> submitted -> approved | denied; withdrawn when the provider unenrolls.
# A denied or withdrawn application can be requested again (see the module docstring).
TRANSITIONS = TransitionTable(
    {
        NEW: frozenset({S.REQUESTED}),
        S.REQUESTED: frozenset({S.SUBMITTED, S.WITHDRAWN}),
        S.SUBMITTED: frozenset({S.APPROVED, S.DENIED, S.WITHDRAWN}),
        S.APPROVED: frozenset({S.WITHDRAWN}),
        S.DENIED: frozenset({S.REQUESTED}),
        S.WITHDRAWN: frozenset({S.REQUESTED}),
    },
    error=InvalidApplicationTransition,
)

# How a refusal names the move ("... it cannot be approved").
_MOVE_WORDS: dict[str, str] = {
    S.REQUESTED: "requested again",
    S.SUBMITTED: "marked submitted",
    S.APPROVED: "approved",
    S.DENIED: "denied",
    S.WITHDRAWN: "withdrawn",
}


def _network_changed(provider_ids: Iterable[int], *, trigger: str, now: datetime) -> None:
    """An approval or a withdrawal can change when the profile is live. The directory hears it
    and, once this transaction has committed, publishes the profile at once if its go-live date
    has already come, or takes it down (e.g. the only approved payer withdrawn).

    A side effect on commit, like an email: a directory failure never undoes a payer decision
    (the receiver's on_commit is robust), and the directory's own sweep catches up.
    """
    network_changed.send(
        sender=PayerApplication, provider_ids=sorted(set(provider_ids)), trigger=trigger, now=now
    )


can_move = TRANSITIONS.can_move


@dataclass
class BulkOutcome:
    """What a bulk move did: the applications that moved, and those left as they were (and why)."""

    moved: list[PayerApplication] = field(default_factory=list)
    refused: list[tuple[PayerApplication, str]] = field(default_factory=list)


def _move_problem(application: PayerApplication, to_status: str) -> str | None:
    if can_move(application.status, to_status):
        return None
    return (
        f"{application.provider}'s application with {application.payer} is "
        f"{S(application.status).label}; it cannot be {_MOVE_WORDS[to_status]}."
    )


def _lock(queryset: QuerySet[PayerApplication]) -> list[PayerApplication]:
    # Lock only the application rows (not the joined provider and payer), in id order so that
    # two bulk moves over overlapping selections cannot deadlock.
    # The provider's user comes along for the emails a move earns (its address).
    return list(
        queryset.select_for_update(of=("self",)).select_related("provider__user", "payer").order_by("pk")
    )


def _apply(
    applications: list[PayerApplication],
    *,
    to_status: str,
    actor: User | None,
    now: datetime,
    changes: dict[str, Any],
    note: str,
) -> None:
    """Move already locked, already checked applications: one UPDATE and one INSERT for all."""
    if not applications:
        return
    # A set-based equivalent of save(update_fields=["status", *changes]) for every row.
    PayerApplication.objects.filter(pk__in=[a.pk for a in applications]).update(status=to_status, **changes)
    events = []
    for application in applications:
        events.append(
            PayerApplicationEvent(
                application=application,
                from_status=application.status,
                to_status=to_status,
                actor=actor,
                note=note,
                occurred_at=now,
            )
        )
        application.status = to_status
        for name, value in changes.items():
            setattr(application, name, value)
    PayerApplicationEvent.objects.bulk_create(events)
    turnaround_history_changed()  # bulk_create sends no post_save
    # The provider hears of staff's moves (submitted, approved with its effective date, denied
    # with its reason): one email per event, in this transaction, one INSERT for all.
    decision_emails = [application_email(a, e) for a, e in zip(applications, events, strict=True)]
    outbox_enqueue_many(emails=[email for email in decision_emails if email is not None], now=now)


def _move_one(
    application: PayerApplication,
    *,
    to_status: str,
    actor: User | None,
    now: datetime,
    changes: dict,
    note: str = "",
) -> PayerApplication:
    with transaction.atomic():
        [locked] = _lock(PayerApplication.objects.filter(pk=application.pk))
        if problem := _move_problem(locked, to_status):
            raise InvalidApplicationTransition(problem)
        _apply([locked], to_status=to_status, actor=actor, now=now, changes=changes, note=note)
    return locked


def _move_many(
    application_ids: Iterable[int],
    *,
    to_status: str,
    actor: User | None,
    now: datetime,
    changes: dict,
    note: str = "",
) -> BulkOutcome:
    outcome = BulkOutcome()
    with transaction.atomic():
        for application in _lock(PayerApplication.objects.filter(pk__in=list(application_ids))):
            if problem := _move_problem(application, to_status):
                outcome.refused.append((application, problem))
            else:
                outcome.moved.append(application)
        _apply(outcome.moved, to_status=to_status, actor=actor, now=now, changes=changes, note=note)
    return outcome


def _reopened(now: datetime) -> dict[str, Any]:
    return {
        "requested_at": now,
        "submitted_at": None,
        "decided_at": None,
        "effective_date": None,
        "denial_reason": "",
        "withdrawn_at": None,
    }


def _approval(effective_date: date | None, note: str, now: datetime) -> tuple[dict[str, Any], str]:
    if effective_date is None:
        raise DecisionDetailsMissing("An approval needs the effective date the payer gave.")
    full_note = f"Effective {effective_date:%Y-%m-%d}." + (f" {note.strip()}" if note.strip() else "")
    return {"decided_at": now, "effective_date": effective_date, "denial_reason": ""}, full_note


def _denial(reason: str, now: datetime) -> tuple[dict[str, Any], str]:
    reason = (reason or "").strip()
    if not reason:
        raise DecisionDetailsMissing("A denial needs the reason the payer gave.")
    return {"decided_at": now, "denial_reason": reason, "effective_date": None}, reason


def application_request(
    *, provider: Provider, payer: Payer, actor: User | None, now: datetime | None = None
) -> PayerApplication:
    """The provider asks Alma to credential them with `payer`: a new application, or the
    denied/withdrawn one requested again."""
    now = now or timezone.now()
    with transaction.atomic():
        existing = _lock(PayerApplication.objects.filter(provider=provider, payer=payer))
        if not existing:
            if not payer.is_active:
                raise PayerNotAccepting(f"{payer} is not taking new credentialing requests.")
            try:
                with transaction.atomic():
                    application = PayerApplication.objects.create(
                        provider=provider, payer=payer, status=S.REQUESTED, requested_at=now
                    )
            except IntegrityError:
                # The same request arrived twice at once (a double click): the other one created
                # the row, so this one is refused below like any repeated request.
                existing = _lock(PayerApplication.objects.filter(provider=provider, payer=payer))
            else:
                PayerApplicationEvent.objects.create(
                    application=application,
                    from_status=NEW,
                    to_status=S.REQUESTED,
                    actor=actor,
                    occurred_at=now,
                )
                return application
        [application] = existing
        if problem := _move_problem(application, S.REQUESTED):
            raise InvalidApplicationTransition(problem)
        if not application.payer.is_active:
            raise PayerNotAccepting(f"{application.payer} is not taking new credentialing requests.")
        _apply([application], to_status=S.REQUESTED, actor=actor, now=now, changes=_reopened(now), note="")
    return application


def application_submit(
    *, application: PayerApplication, actor: User | None, now: datetime | None = None, note: str = ""
) -> PayerApplication:
    """Staff sent the application to the payer; the 45-day decision clock starts now."""
    now = now or timezone.now()
    return _move_one(
        application, to_status=S.SUBMITTED, actor=actor, now=now, changes={"submitted_at": now}, note=note
    )


def application_approve(
    *,
    application: PayerApplication,
    effective_date: date | None,
    actor: User | None,
    now: datetime | None = None,
    note: str = "",
) -> PayerApplication:
    now = now or timezone.now()
    changes, note = _approval(effective_date, note, now)
    approved = _move_one(application, to_status=S.APPROVED, actor=actor, now=now, changes=changes, note=note)
    _network_changed([approved.provider_id], trigger="payer approved", now=now)
    return approved


def application_deny(
    *, application: PayerApplication, reason: str, actor: User | None, now: datetime | None = None
) -> PayerApplication:
    now = now or timezone.now()
    changes, note = _denial(reason, now)
    return _move_one(application, to_status=S.DENIED, actor=actor, now=now, changes=changes, note=note)


def application_withdraw(
    *, application: PayerApplication, actor: User | None, now: datetime | None = None
) -> PayerApplication:
    """The provider unenrolls from the payer: the application is withdrawn and every active
    enrollment in that payer's programs ends now. The provider gets one email naming every
    consequence, asked before the move (credentialing.unenrolling); the apps above hear
    payer_withdrawn in this transaction (the roster flags that payer's clients)."""
    now = now or timezone.now()
    with transaction.atomic():
        [locked] = _lock(PayerApplication.objects.filter(pk=application.pk))
        if problem := _move_problem(locked, S.WITHDRAWN):
            raise InvalidApplicationTransition(problem)
        consequences = consequences_of_unenrolling(locked, today=timezone.localdate(now))
        enrollments = ProgramEnrollment.objects.filter(
            provider_id=locked.provider_id, program__payer_id=locked.payer_id, left_at__isnull=True
        )
        ended = sorted(enrollments.values_list("program__name", flat=True))
        enrollments.update(left_at=now)
        note = f"Left {', '.join(ended)}." if ended else ""
        _apply(
            [locked], to_status=S.WITHDRAWN, actor=actor, now=now, changes={"withdrawn_at": now}, note=note
        )
        # One email about it. When the live profile comes down, the directory's "profile taken
        # down" email (sent on this withdrawal's commit, saying why) is that email; otherwise this one.
        if not any(c.code == PROFILE_OFFLINE for c in consequences):
            outbox_enqueue(
                provider=locked.provider,
                kind=PAYER_UNENROLLED,
                key=f"application-{locked.pk}-withdrawn-{now.isoformat()}",
                context={"payer": locked.payer.name, "consequences": [c.did for c in consequences]},
                now=now,
            )
        payer_withdrawn.send(sender=PayerApplication, application=locked, now=now)
        _network_changed([locked.provider_id], trigger="payer withdrawn", now=now)
    return locked


def applications_halt(
    *, provider: Provider, actor: User | None, reason: str, now: datetime | None = None
) -> list[PayerApplication]:
    """Stop every open application of the provider (requested or submitted): each is withdrawn
    with `reason` as its event's note (a confirmed exclusion match, say). Unlike
    application_withdraw this is Alma's decision, not the provider's: it sends no "you
    unenrolled" email, and no application in network moves (approved ones are left to staff)."""
    now = now or timezone.now()
    with transaction.atomic():
        open_ones = PayerApplication.objects.filter(provider=provider, status__in=[S.REQUESTED, S.SUBMITTED])
        outcome = _move_many(
            list(open_ones.values_list("pk", flat=True)),
            to_status=S.WITHDRAWN,
            actor=actor,
            now=now,
            changes={"withdrawn_at": now},
            note=(reason or "").strip(),
        )
    return outcome.moved


def application_submit_many(
    *, application_ids: Iterable[int], actor: User | None, now: datetime | None = None, note: str = ""
) -> BulkOutcome:
    now = now or timezone.now()
    return _move_many(
        application_ids, to_status=S.SUBMITTED, actor=actor, now=now, changes={"submitted_at": now}, note=note
    )


def application_approve_many(
    *,
    application_ids: Iterable[int],
    effective_date: date | None,
    actor: User | None,
    now: datetime | None = None,
    note: str = "",
) -> BulkOutcome:
    now = now or timezone.now()
    changes, note = _approval(effective_date, note, now)
    outcome = _move_many(
        application_ids, to_status=S.APPROVED, actor=actor, now=now, changes=changes, note=note
    )
    if outcome.moved:
        _network_changed([a.provider_id for a in outcome.moved], trigger="payer approved", now=now)
    return outcome


def application_deny_many(
    *, application_ids: Iterable[int], reason: str, actor: User | None, now: datetime | None = None
) -> BulkOutcome:
    now = now or timezone.now()
    changes, note = _denial(reason, now)
    return _move_many(application_ids, to_status=S.DENIED, actor=actor, now=now, changes=changes, note=note)


def program_enroll(
    *, provider: Provider, program: Program, actor: User | None, now: datetime | None = None
) -> ProgramEnrollment:
    """Enroll the provider in a program (an EAP); only once the program's payer approved them."""
    now = now or timezone.now()
    with transaction.atomic():
        # Locking the parent application orders this against a concurrent withdrawal: either the
        # withdrawal sees (and ends) this enrollment, or this sees the withdrawal and refuses.
        locked = _lock(PayerApplication.objects.filter(provider=provider, payer_id=program.payer_id))
        if not locked or locked[0].status != S.APPROVED:
            first = "" if locked else f"; request credentialing with {program.payer} first"
            raise PayerNotApproved(f"{program} is open once {program.payer} has approved you{first}.")
        if not program.is_active:
            raise ProgramUnavailable(f"{program} is no longer offered.")
        try:
            with transaction.atomic():
                enrollment = ProgramEnrollment.objects.create(
                    provider=provider, program=program, enrolled_at=now
                )
        except IntegrityError as exc:  # one active enrollment per provider and program
            raise AlreadyEnrolled(f"You are already enrolled in {program}.") from exc
    # ProgramEnrollment has no actor column; the log keeps who did it.
    logger.info(
        "Provider %s enrolled in program %s by user %s", provider.pk, program.pk, getattr(actor, "pk", None)
    )
    return enrollment


def program_leave(
    *, provider: Provider, program: Program, actor: User | None, now: datetime | None = None
) -> ProgramEnrollment:
    now = now or timezone.now()
    with transaction.atomic():
        enrollment = (
            ProgramEnrollment.objects.select_for_update()
            .filter(provider=provider, program=program, left_at__isnull=True)
            .first()
        )
        if enrollment is None:
            raise NotEnrolled(f"You are not enrolled in {program}.")
        enrollment.left_at = now
        enrollment.save(update_fields=["left_at"])
    logger.info("Provider %s left program %s by user %s", provider.pk, program.pk, getattr(actor, "pk", None))
    return enrollment
