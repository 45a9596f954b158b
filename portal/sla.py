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

`sla_board` is every promise, in Python. The page shows `sla_summary`: per kind the counts and
only the SHOWN_PER_KIND most overdue (and soonest due), with a link to the list where staff work
the rest. Emails, reviews and help requests have their due dates in SQL (a column, or a review
cutoff computed once from the company calendar), so they are counted and cut in PostgreSQL; the
other kinds' due dates come from rules in Python (a payer's decision history, the exclusion
lists' months, the 90-day and 36-month clocks) and are summarised from their rows.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone

from alma.timekeeping import company_calendar
from credentialing.decision_clock import DatedStatus, DecisionRange
from credentialing.models import PayerApplication
from credentialing.turnaround import (
    late_cutoffs,
    late_providers,
    late_summary,
    submitted_applications,
)
from directory.golive import day_label
from directory.selectors import company_zone, not_reverified_profiles
from exclusions.selectors import sla_exclusions
from helpdesk.models import Ticket, TicketStatus
from onboarding.models import OutboxEmail, ReviewStatus
from onboarding.services.outbox import outbox_failure
from portal.selectors import (
    WAITING_FORMS,
    QueuedSubmission,
    review_overdue_cutoff,
    reviews_due_before,
    reviews_submitted_between,
    reviews_submitted_count,
)
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
    # In the summary's order (due, then row), so equal due times list alike in both (the sort
    # below is stable).
    for email in _emails_on_board(horizon).order_by("due_at", "pk"):
        _add_email(board, email)
    for submission in reviews_due_before(horizon, now=now):
        board.add(_review_promise(submission), window=AT_RISK_WINDOW)
    for ticket in _tickets().filter(reply_due_at__lt=horizon):
        board.add(_ticket_promise(ticket), window=AT_RISK_WINDOW)
    for add in COMPUTED_KINDS.values():
        add(board, now)
    board.overdue.sort(key=lambda promise: promise.due_at)
    board.at_risk.sort(key=lambda promise: promise.due_at)
    return board


def _unsent_emails() -> QuerySet[OutboxEmail]:
    """Emails not sent, less those given up on that staff have resent since (the new row is the
    promise then)."""
    resent_later = OutboxEmail.objects.filter(
        provider=OuterRef("provider"),
        step=OuterRef("step"),
        key=OuterRef("key"),
        resend__gt=OuterRef("resend"),
    )
    return OutboxEmail.objects.filter(sent_at__isnull=True).exclude(
        Q(failed_at__isnull=False) & Exists(resent_later)
    )


def _emails_broken(now: datetime) -> Q:
    return Q(failed_at__isnull=False) | Q(due_at__lt=now)


def _emails_at_risk(now: datetime, horizon: datetime) -> Q:
    return Q(failed_at__isnull=True, due_at__gte=now, due_at__lt=horizon)


def _on_board(horizon: datetime) -> Q:
    return Q(due_at__lt=horizon) | Q(failed_at__isnull=False)


def _emails_on_board(horizon: datetime) -> QuerySet[OutboxEmail]:
    return (
        _unsent_emails()
        .filter(_on_board(horizon))
        .select_related("provider")
        .only("step", "key", "due_at", "failed_at", "last_error", "provider__legal_name")
    )


def _add_email(board: SlaBoard, email: OutboxEmail) -> None:
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


def _review_promise(submission: QueuedSubmission) -> Promise:
    admin_name = {
        "general_onboarding": "admin:onboarding_generalonboarding_change",
        "insurance_form": "admin:credentialing_insuranceform_change",
    }[submission.form]
    return Promise(
        "Review",
        submission.provider_name,
        f"{submission.form.label}, round {submission.round}: waiting {submission.waiting_label}",
        submission.review_due_at,
        reverse(admin_name, args=[submission.record_id]),
        submission.provider_id,
    )


def _tickets() -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(status=TicketStatus.OPEN)
        .select_related("provider")
        .only("subject", "reply_due_at", "provider__legal_name")
    )


def _ticket_promise(ticket: Ticket) -> Promise:
    return Promise(
        "Help request",
        ticket.provider.legal_name,
        f"Help request #{ticket.pk}: {ticket.subject}",
        # Every ticket read is filtered on reply_due_at, so it has one; the fallback is for mypy.
        ticket.reply_due_at or timezone.now(),
        reverse("admin:helpdesk_ticket_change", args=[ticket.pk]),
        ticket.provider_id,
    )


def _add_payer_decisions(board: SlaBoard, now: datetime) -> None:
    # Every application waiting for a decision, due by the end of its expected range.
    _add_applications(board, now, submitted_applications(now=now))


def _add_applications(
    board: SlaBoard, now: datetime, applications: list[tuple[PayerApplication, DatedStatus]]
) -> None:
    for application, status in applications:
        if status.decision is None:  # never: submitted ones have a decision range
            continue
        board.add(_payer_promise(application, status.decision), window=APPLICATION_AT_RISK_WINDOW)
        if status.decision.is_past(now):
            board.late_applications.append(_late_application(application, status))


def _payer_promise(application: PayerApplication, decision: DecisionRange) -> Promise:
    return Promise(
        "Payer decision",
        application.provider.legal_name,
        f"{application.payer.name}: submitted {application.submitted_at:%b %-d, %Y}",
        decision.overdue_after,
        reverse("admin:credentialing_payerapplication_change", args=[application.pk]),
        application.provider_id,
    )


def _late_application(application: PayerApplication, status: DatedStatus) -> LateApplication:
    admin_url = reverse("admin:credentialing_payerapplication_change", args=[application.pk])
    return LateApplication(application, status, admin_url)


def _payer_decision_summary(now: datetime, shown: int) -> "tuple[KindSummary, list[LateApplication]]":
    """Payer decisions counted and cut in SQL against one late cutoff per payer and state
    (credentialing.turnaround.late_cutoffs, from the cached history). Two queries (and the
    history when the cache is cold): the counts with each clock's oldest overdue and due soon,
    which hold the `shown` soonest due of all, dated here from their submission alone; then only
    the rows shown, with their dated status."""
    if connection.vendor != "postgresql":  # the SQLite demo: its few rows, in Python
        part = SlaBoard(now=now)
        _add_payer_decisions(part, now)
        return _summary_of(part, "Payer decision", shown), part.late_applications[:shown]
    cutoffs = late_cutoffs(now=now, soon=now + APPLICATION_AT_RISK_WINDOW)
    overdue_count, at_risk_count, oldest = late_summary(cutoffs, limit=shown)
    calendar = company_calendar()
    # Soonest due first, as the board sorts (its rows come oldest submission first).
    dated = sorted(
        (cutoffs.overdue_after(submitted_at, days, calendar), submitted_at, pk, late)
        for pk, submitted_at, days, late in oldest
    )
    overdue = [pk for _due, _at, pk, late in dated if late][:shown]
    at_risk = [pk for _due, _at, pk, late in dated if not late][:shown]
    oldest_late = [pk for _at, pk in sorted((at, pk) for _due, at, pk, late in dated if late)][:shown]
    chosen = set(overdue) | set(at_risk) | set(oldest_late)
    rows = submitted_applications(now=now, pks=chosen) if chosen else []
    loaded = {application.pk: (application, status) for application, status in rows}

    def promises(pks: list[int]) -> list[Promise]:
        # A row decided since the first query is left out rather than shown late.
        return [
            _payer_promise(application, status.decision)
            for application, status in (loaded[pk] for pk in pks if pk in loaded)
            if status.decision is not None
        ]

    summary = KindSummary(
        "Payer decision",
        overdue_count,
        at_risk_count,
        promises(overdue),
        promises(at_risk),
        _list_url("Payer decision"),
    )
    return summary, [_late_application(*loaded[pk]) for pk in oldest_late if pk in loaded]


def _add_exclusions(board: SlaBoard, now: datetime) -> None:
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


def _add_reverification(board: SlaBoard, now: datetime) -> None:
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


def _add_credentialing_promises(board: SlaBoard, now: datetime) -> None:
    """The credentialing decision's notice, and recredentialing past its due date."""
    _add_decision_notices(board, now)
    _add_recredentialing(board, now)


def _add_decision_notices(board: SlaBoard, now: datetime) -> None:
    """The credentialing decision's notice within 30 days (NCQA; at risk in its last 5 days)."""
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


def _add_recredentialing(board: SlaBoard, now: datetime) -> None:
    """Recredentialing past its due date: flagged in the 30 days' grace, then initial again."""
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


# Kinds whose due dates come from rules in Python: each adds its promises to a board.
COMPUTED_KINDS: dict[str, Callable[[SlaBoard, datetime], None]] = {
    "payer_decision": _add_payer_decisions,
    "exclusions": _add_exclusions,
    "directory_reverification": _add_reverification,
    "decision_notice": _add_decision_notices,
    "recredentialing": _add_recredentialing,
}

# Computed kinds whose summary is counted and cut in SQL all the same (one cutoff per rule).
SQL_COMPUTED_KINDS = {"payer_decision"}

# The board's kinds in the order the page shows them, each with the provider list's "overdue"
# filter value that lists the providers behind it (the exclusion lists' promises belong to no
# provider: their own admin lists are where staff work them).
KINDS: dict[str, str] = {
    "Email": "email",
    "Review": "review",
    "Payer decision": "payer_decision",
    "Help request": "help_request",
    "Exclusion check": "",
    "Exclusion list": "",
    "Exclusion case": "exclusion_case",
    "Directory reverification": "directory_reverification",
    "Decision notice": "decision_notice",
    "Recredentialing": "recredentialing",
}
# The provider list's filter value for each kind whose promises come from a computed adder.
_COMPUTED_FILTERS: dict[str, tuple[str, str]] = {
    "payer_decision": ("Payer decision", "payer_decision"),
    "exclusion_case": ("Exclusion case", "exclusions"),
    "directory_reverification": ("Directory reverification", "directory_reverification"),
    "decision_notice": ("Decision notice", "decision_notice"),
    "recredentialing": ("Recredentialing", "recredentialing"),
}
SHOWN_PER_KIND = 20


@dataclass(frozen=True)
class KindSummary:
    """One kind of promise on the board: its counts, and the few rows shown of each part."""

    kind: str
    overdue_count: int
    at_risk_count: int
    overdue: list[Promise]  # the most overdue, at most SHOWN_PER_KIND
    at_risk: list[Promise]  # the soonest due
    list_url: str  # where staff work the rest

    @property
    def more_overdue(self) -> int:
        return self.overdue_count - len(self.overdue)

    @property
    def more_at_risk(self) -> int:
        return self.at_risk_count - len(self.at_risk)


@dataclass(frozen=True)
class SlaSummary:
    now: datetime
    kinds: list[KindSummary]
    late_applications: list[LateApplication]  # the first SHOWN_PER_KIND
    late_applications_count: int

    @property
    def overdue_count(self) -> int:
        return sum(kind.overdue_count for kind in self.kinds)

    @property
    def at_risk_count(self) -> int:
        return sum(kind.at_risk_count for kind in self.kinds)

    @property
    def overdue_kinds(self) -> list[KindSummary]:
        return [kind for kind in self.kinds if kind.overdue_count]

    @property
    def at_risk_kinds(self) -> list[KindSummary]:
        return [kind for kind in self.kinds if kind.at_risk_count]

    @property
    def more_late_applications(self) -> int:
        return self.late_applications_count - len(self.late_applications)


def sla_summary(now: datetime | None = None, *, shown: int = SHOWN_PER_KIND) -> SlaSummary:
    """The board as the page shows it: the same counts and order as `sla_board`, but only the
    `shown` most overdue and soonest due promises of each kind. A fixed number of queries; emails,
    reviews and help requests are counted and cut in SQL, so they cost the same whatever their
    number."""
    now = now or timezone.now()
    horizon = now + AT_RISK_WINDOW
    sql_kinds = [_email_summary(now, horizon, shown), _review_summary(now, horizon, shown)]
    sql_kinds.append(_ticket_summary(now, horizon, shown))
    payer_decisions, late_applications = _payer_decision_summary(now, shown)
    sql_kinds.append(payer_decisions)
    computed = SlaBoard(now=now)
    for name, add in COMPUTED_KINDS.items():
        if name not in SQL_COMPUTED_KINDS:
            add(computed, now)
    by_kind = {kind.kind: kind for kind in sql_kinds}
    for kind in KINDS:
        if kind not in by_kind:
            by_kind[kind] = _summary_of(computed, kind, shown)
    return SlaSummary(
        now=now,
        kinds=[by_kind[kind] for kind in KINDS],
        late_applications=late_applications,
        late_applications_count=payer_decisions.overdue_count,
    )


def _summary_of(board: SlaBoard, kind: str, shown: int) -> KindSummary:
    """One kind of a board computed in Python: counted and cut from its rows."""
    overdue = sorted((p for p in board.overdue if p.kind == kind), key=lambda p: p.due_at)
    at_risk = sorted((p for p in board.at_risk if p.kind == kind), key=lambda p: p.due_at)
    return KindSummary(kind, len(overdue), len(at_risk), overdue[:shown], at_risk[:shown], _list_url(kind))


def _list_url(kind: str) -> str:
    if kind == "Review":
        return reverse("admin:onboarding_reviewqueue_changelist")  # oldest first, paged
    if kind == "Exclusion check":
        return reverse("admin:exclusions_exclusionrun_changelist")
    if kind == "Exclusion list":
        return reverse("admin:exclusions_exclusionimport_changelist")
    return f"{reverse('admin:onboarding_provider_changelist')}?overdue={KINDS[kind]}"


def _email_summary(now: datetime, horizon: datetime, shown: int) -> KindSummary:
    # Both counts fall within the board's emails (due before the horizon, or given up on): only
    # those rows are read, from the two partial indexes, not every email queued for later.
    counts = (
        _unsent_emails()
        .filter(_on_board(horizon))
        .aggregate(
            overdue=Count("pk", filter=_emails_broken(now)),
            at_risk=Count("pk", filter=_emails_at_risk(now, horizon)),
        )
    )
    part = SlaBoard(now=now)
    for condition in (_emails_broken(now), _emails_at_risk(now, horizon)):
        for email in _emails_on_board(horizon).filter(condition).order_by("due_at", "pk")[:shown]:
            _add_email(part, email)
    return KindSummary(
        "Email", counts["overdue"], counts["at_risk"], part.overdue, part.at_risk, _list_url("Email")
    )


def _review_summary(now: datetime, horizon: datetime, shown: int) -> KindSummary:
    # A review is due one business day after its submission: overdue exactly when submitted
    # before the cutoff (portal.selectors.review_overdue_cutoff), due within the window when
    # submitted between the cutoffs of now and of the horizon.
    calendar = company_calendar()
    overdue_before = review_overdue_cutoff(now, calendar)
    due_before = review_overdue_cutoff(horizon, calendar)
    return KindSummary(
        "Review",
        reviews_submitted_count(None, overdue_before),
        reviews_submitted_count(overdue_before, due_before),
        [
            _review_promise(item)
            for item in reviews_submitted_between(None, overdue_before, limit=shown, now=now)
        ],
        [
            _review_promise(item)
            for item in reviews_submitted_between(overdue_before, due_before, limit=shown, now=now)
        ],
        _list_url("Review"),
    )


def _ticket_summary(now: datetime, horizon: datetime, shown: int) -> KindSummary:
    counts = Ticket.objects.filter(status=TicketStatus.OPEN).aggregate(
        overdue=Count("pk", filter=Q(reply_due_at__lt=now)),
        at_risk=Count("pk", filter=Q(reply_due_at__gte=now, reply_due_at__lt=horizon)),
    )
    ordered = _tickets().order_by("reply_due_at", "pk")
    return KindSummary(
        "Help request",
        counts["overdue"],
        counts["at_risk"],
        [_ticket_promise(ticket) for ticket in ordered.filter(reply_due_at__lt=now)[:shown]],
        [
            _ticket_promise(ticket)
            for ticket in ordered.filter(reply_due_at__gte=now, reply_due_at__lt=horizon)[:shown]
        ],
        _list_url("Help request"),
    )


def overdue_filter_choices() -> list[tuple[str, str]]:
    """The provider list's "overdue" filter: any kind, or one."""
    return [("yes", "Something is overdue")] + [(value, kind) for kind, value in KINDS.items() if value]


def providers_overdue(value: str, now: datetime) -> Q:
    """A condition on Provider: an overdue promise of the kind `value` names ("yes": any kind).

    One SQL condition per kind with its due date in SQL (EXISTS against a cutoff); the kinds
    computed in Python contribute the ids of their overdue providers.
    """
    if value == "yes":
        condition = Q(pk__in=[])
        for each in KINDS.values():
            if each:
                condition |= providers_overdue(each, now)
        return condition
    if value == "email":
        return Q(Exists(_unsent_emails().filter(_emails_broken(now), provider=OuterRef("pk"))))
    if value == "review":
        cutoff = review_overdue_cutoff(now)
        condition = Q(pk__in=[])
        for _form, model in WAITING_FORMS:
            waiting = model.objects.filter(
                status=ReviewStatus.SUBMITTED, submitted_at__lt=cutoff, provider=OuterRef("pk")
            )
            condition |= Q(Exists(waiting))
        return condition
    if value == "help_request":
        return Q(
            Exists(
                Ticket.objects.filter(status=TicketStatus.OPEN, reply_due_at__lt=now, provider=OuterRef("pk"))
            )
        )
    if value in _COMPUTED_FILTERS:
        return _computed_overdue(value, now)
    return Q()


def _computed_overdue(value: str, now: datetime) -> Q:
    if value == "payer_decision" and connection.vendor == "postgresql":
        # One SQL condition: the waiting applications against a late cutoff per payer and state.
        sql, params = late_providers(late_cutoffs(now=now, soon=now))
        return Q(pk__in=RawSQL(sql, params))  # noqa: S611 - constant SQL, every value a parameter
    if value in _COMPUTED_FILTERS:
        kind, adder = _COMPUTED_FILTERS[value]
        board = SlaBoard(now=now)
        COMPUTED_KINDS[adder](board, now)
        return Q(pk__in={promise.provider_id for promise in board.overdue if promise.kind == kind})
    return Q()
