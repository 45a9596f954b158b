"""Every promise the product makes, with what is overdue and what is about to be.

- an onboarding email within one business day of its transition (OutboxEmail.due_at). An
  email that will not be sent (refused by the mail server, or given up after repeated
  failures) is a broken promise at once, whatever its due date, until staff resend it;
- a staff review within one business day of a submission (portal.selectors.reviews_due_before);
- a payer's credentialing decision by the end of its expected range: the 80th percentile of the
  payer's past decisions in the provider's state, or the 45-day promise where the history is too
  short (credentialing.turnaround, the same dates the provider reads). Those past it are listed
  once more, with the range and where it comes from (`late_applications`);
- an answer to a help request within one business day (Ticket.reply_due_at).
- each exclusion list (LEIE, SAM) matched every month, its latest full file at most 35 days old
  by its file date, and each possible match decided within five business days
  (exclusions.selectors.sla_exclusions; a missed month is overdue from the 1st).
- the provider told of their credentialing decision within 30 days of it (NCQA): the notice's
  email not sent by then (verification.selectors.decisions.notices_not_sent);
- recredentialing by its due date, 36 months after the approval: past due (30 days' grace), and
  past the grace "initial credentialing required" (verification.recredentialing).
- each live directory profile confirmed by its provider every 90 days (No Surprises Act): past
  day 90 it is listed, still published (directory.reverification, directory.selectors).

"At risk" means the promise falls due within the next AT_RISK_WINDOW (and is not yet broken).
A fixed number of queries whatever the counts: one per kind of promise, and one more for the
payers' decision history.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from credentialing.decision_clock import DatedStatus
from credentialing.models import PayerApplication
from credentialing.turnaround import submitted_applications
from directory.golive import day_label
from directory.selectors import company_zone, not_reverified_profiles
from exclusions.selectors import sla_exclusions
from helpdesk.models import Ticket, TicketStatus
from onboarding.models import OutboxEmail
from onboarding.services.outbox import outbox_failure
from portal.selectors import reviews_due_before
from verification.selectors.decisions import notices_not_sent, recredentialing_flagged

AT_RISK_WINDOW = timedelta(hours=4)
APPLICATION_AT_RISK_WINDOW = timedelta(days=5)


@dataclass(frozen=True)
class Promise:
    kind: str
    provider: str
    what: str
    due_at: datetime
    admin_url: str
    provider_id: int

    def overdue_on(self, now: datetime) -> bool:
        return self.due_at < now


@dataclass(frozen=True)
class LateApplication:
    """A payer application past the end of its expected decision range."""

    application: PayerApplication
    status: DatedStatus
    admin_url: str

    @property
    def state(self) -> str:
        return getattr(self.application, "practice_state", "") or ""


@dataclass
class SlaBoard:
    now: datetime
    overdue: list[Promise] = field(default_factory=list)
    at_risk: list[Promise] = field(default_factory=list)
    late_applications: list[LateApplication] = field(default_factory=list)

    def add(self, promise: Promise, *, window: timedelta) -> None:
        if promise.due_at < self.now:
            self.overdue.append(promise)
        elif promise.due_at < self.now + window:
            self.at_risk.append(promise)

    def counts(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for promise in self.overdue:
            totals[promise.kind] = totals.get(promise.kind, 0) + 1
        return totals


def sla_board(now: datetime | None = None) -> SlaBoard:
    now = now or timezone.now()
    board = SlaBoard(now=now)
    horizon = now + AT_RISK_WINDOW
    resent_later = OutboxEmail.objects.filter(
        provider=OuterRef("provider"),
        step=OuterRef("step"),
        key=OuterRef("key"),
        resend__gt=OuterRef("resend"),
    )
    emails = (
        OutboxEmail.objects.filter(sent_at__isnull=True)
        .filter(Q(due_at__lt=horizon) | Q(failed_at__isnull=False))
        .exclude(Q(failed_at__isnull=False) & Exists(resent_later))
        .select_related("provider")
        .only("step", "key", "due_at", "failed_at", "last_error", "provider__legal_name")
    )
    for email in emails:
        what = f"{email.kind_label} email" + (f" ({email.key})" if email.key else "")
        promise = Promise(
            "Email",
            email.provider.legal_name,
            f"{what}: {outbox_failure(email)}" if email.failed_at else what,
            email.due_at,
            reverse("admin:onboarding_outboxemail_change", args=[email.pk]),
            email.provider_id,
        )
        if email.failed_at:
            board.overdue.append(promise)  # it will not be kept: broken now, not at due_at
        else:
            board.add(promise, window=AT_RISK_WINDOW)
    for submission in reviews_due_before(horizon, now=now):
        admin_name = {
            "general_onboarding": "admin:onboarding_generalonboarding_change",
            "insurance_form": "admin:credentialing_insuranceform_change",
        }[submission.form]
        board.add(
            Promise(
                "Review",
                submission.provider_name,
                f"{submission.form.label}, round {submission.round}: waiting {submission.waiting_label}",
                submission.review_due_at,
                reverse(admin_name, args=[submission.record_id]),
                submission.provider_id,
            ),
            window=AT_RISK_WINDOW,
        )
    # Every application waiting for a decision, due by the end of its expected range.
    for application, status in submitted_applications(now=now):
        decision = status.decision
        if application.submitted_at is None or decision is None:  # never: submitted ones have both
            continue
        admin_url = reverse("admin:credentialing_payerapplication_change", args=[application.pk])
        board.add(
            Promise(
                "Payer decision",
                application.provider.legal_name,
                f"{application.payer.name}: submitted {application.submitted_at:%b %-d, %Y}",
                decision.overdue_after,
                admin_url,
                application.provider_id,
            ),
            window=APPLICATION_AT_RISK_WINDOW,
        )
        if decision.is_past(now):
            board.late_applications.append(LateApplication(application, status, admin_url))
    tickets = (
        Ticket.objects.filter(status=TicketStatus.OPEN, reply_due_at__lt=horizon)
        .select_related("provider")
        .only("subject", "reply_due_at", "provider__legal_name")
    )
    for ticket in tickets:
        board.add(
            Promise(
                "Help request",
                ticket.provider.legal_name,
                f"Help request #{ticket.pk}: {ticket.subject}",
                ticket.reply_due_at,
                reverse("admin:helpdesk_ticket_change", args=[ticket.pk]),
                ticket.provider_id,
            ),
            window=AT_RISK_WINDOW,
        )
    # Exclusion monitoring (42 CFR 455.436): each list matched every month, each possible match
    # decided within exclusions.selectors.CASE_DECISION_BUSINESS_DAYS business days.
    missed_months, stale_lists, waiting_cases = sla_exclusions(now)
    for missed in missed_months:
        since = f"{timezone.localtime(missed.last_run_at):%b %-d, %Y}" if missed.last_run_at else "never"
        board.overdue.append(
            Promise(
                "Exclusion check",
                "",
                f"Exclusion check ({missed.source_label}): no run since {since}",
                missed.due_at,
                reverse("admin:exclusions_exclusionrun_changelist"),
                0,
            )
        )
    # Re-matching an old file checks nothing new: each source's latest full file is at most
    # exclusions.selectors.LIST_FRESH_DAYS old by its file date.
    for old_list in stale_lists:
        board.add(
            Promise(
                "Exclusion list",
                "",
                f"Exclusion list ({old_list.source_label}): latest file dated "
                f"{old_list.file_date:%b %-d, %Y}, import this month's",
                old_list.due_at,
                reverse("admin:exclusions_exclusionimport_changelist"),
                0,
            ),
            window=APPLICATION_AT_RISK_WINDOW,
        )
    for waiting in waiting_cases:
        board.add(
            Promise(
                "Exclusion case",
                waiting.case.provider.legal_name,
                f"Possible {waiting.case.source.upper()} exclusion match to clear or confirm",
                waiting.due_at,
                reverse("admin:exclusions_exclusioncase_change", args=[waiting.case.pk]),
                waiting.case.provider_id,
            ),
            window=APPLICATION_AT_RISK_WINDOW,
        )
    # Directory data reverified every 90 days (No Surprises Act): live profiles past their due
    # date. They stay published (directory.reverification); staff follow up with the provider.
    for stale in not_reverified_profiles(now):
        board.overdue.append(
            Promise(
                "Directory reverification",
                stale.legal_name,
                "Directory data not reverified in 90 days: last confirmed "
                f"{day_label(stale.period.last_confirmed_on)}, due {day_label(stale.period.due_on)}",
                datetime.combine(stale.period.due_on + timedelta(days=1), time.min, tzinfo=company_zone()),
                reverse("admin:directory_directoryprofile_change", args=[stale.profile_id]),
                stale.provider_id,
            )
        )
    _add_credentialing_promises(board, now)
    board.overdue.sort(key=lambda promise: promise.due_at)
    board.at_risk.sort(key=lambda promise: promise.due_at)
    return board


def _add_credentialing_promises(board: SlaBoard, now: datetime) -> None:
    """The credentialing decision's notice within 30 days (NCQA; at risk in its last 5 days),
    and recredentialing past its due date: flagged in the 30 days' grace, then initial again."""
    for late in notices_not_sent(now=now, within=APPLICATION_AT_RISK_WINDOW):
        decision = late.decision
        board.add(
            Promise(
                "Decision notice",
                decision.provider.legal_name,
                f"Credentialing decision of {decision.decided_on:%b %-d, %Y} "
                f"({decision.get_outcome_display().lower()}): the provider's notice is not sent",
                late.due_at,
                reverse("admin:onboarding_outboxemail_change", args=[late.email_id])
                if late.email_id
                else reverse("admin:verification_credentialingdecision_change", args=[decision.pk]),
                decision.provider_id,
            ),
            window=APPLICATION_AT_RISK_WINDOW,
        )
    for item in recredentialing_flagged(today=timezone.localdate(now)):
        grace = (
            f", grace ends {item.status.grace_ends_on:%b %-d, %Y}"
            if item.status.standing == "past_due"
            else ""
        )
        board.overdue.append(
            Promise(
                "Recredentialing",
                item.provider_name,
                f"{item.status.label}: due {item.status.due_on:%b %-d, %Y}{grace}",
                timezone.make_aware(
                    datetime.combine(item.status.due_on + timedelta(days=1), datetime.min.time())
                ),
                reverse("admin:verification_decision_record", args=[item.provider_public_id]),
                item.provider_id,
            )
        )
