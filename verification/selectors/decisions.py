"""Reads of the credentialing decisions and the recredentialing clock, for the dashboard, the
SLA board, the expirables list and the reminder sweep. Each is one query whatever the counts."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from django.db.models import CharField, Exists, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from credentialing.expirables import Expirable
from directory.selectors import offboarded_profiles
from onboarding.models import OutboxEmail, Provider
from verification import emails
from verification.models import CredentialingDecision
from verification.recredentialing import RecredentialingStatus

Outcome = CredentialingDecision.Outcome
# NCQA: the practitioner is notified within 30 days of the decision.
NOTICE_DAYS = 30
RECREDENTIALING_KIND = "recredentialing"
RECREDENTIALING_LABELS = {RECREDENTIALING_KIND: "Recredentialing (every 36 months)"}


def latest_decision(provider: Provider) -> CredentialingDecision | None:
    """The provider's latest decision, whatever its outcome (one query)."""
    return (
        CredentialingDecision.objects.filter(provider=provider)
        .order_by("-decided_on", "-pk")
        .only("cycle", "outcome", "decided_on", "reason", "recredentialing_due_on", "provider_id")
        .first()
    )


def standing_approvals() -> QuerySet[CredentialingDecision]:
    """Per provider, the approval that sets their recredentialing clock: their latest approval or
    denial when it is an approval (a later denial stops the clock; a deferral changes nothing)."""
    latest = (
        CredentialingDecision.objects.filter(
            provider=OuterRef("provider"), outcome__in=[Outcome.APPROVED, Outcome.DENIED]
        )
        .order_by("-decided_on", "-pk")
        .values("pk")[:1]
    )
    return CredentialingDecision.objects.filter(
        outcome=Outcome.APPROVED, recredentialing_due_on__isnull=False, pk=Subquery(latest)
    )


def running_clocks() -> QuerySet[CredentialingDecision]:
    """The standing approvals whose clock still runs: not of a provider who has been offboarded
    (their directory profile says so), who is not recredentialed and gets no reminder. Set-based."""
    return standing_approvals().exclude(Exists(offboarded_profiles().filter(provider=OuterRef("provider"))))


@dataclass(frozen=True)
class Recredentialing:
    provider_id: int
    provider_public_id: UUID
    provider_name: str
    provider_email: str
    decision_id: int
    decided_on: date
    status: RecredentialingStatus


def recredentialing_due(
    *, today: date, until: date | None = None, since: date | None = None
) -> list[Recredentialing]:
    """Providers whose standing approval's recredentialing falls due between `since` and
    `until` (either open-ended), soonest first. One query."""
    rows = running_clocks()
    if since is not None:
        rows = rows.filter(recredentialing_due_on__gte=since)
    if until is not None:
        rows = rows.filter(recredentialing_due_on__lte=until)
    return [
        Recredentialing(
            provider_id=row["provider_id"],
            provider_public_id=row["provider__public_id"],
            provider_name=row["provider__legal_name"],
            provider_email=row["provider__user__email"],
            decision_id=row["pk"],
            decided_on=row["decided_on"],
            status=RecredentialingStatus(due_on=row["recredentialing_due_on"], today=today),
        )
        for row in rows.order_by("recredentialing_due_on", "provider_id").values(
            "pk",
            "provider_id",
            "provider__public_id",
            "provider__legal_name",
            "provider__user__email",
            "decided_on",
            "recredentialing_due_on",
        )
        if row["recredentialing_due_on"] is not None  # always: standing approvals have one
    ]


def recredentialing_flagged(*, today: date) -> list[Recredentialing]:
    """Past their due date: flagged (grace), or needing initial credentialing again."""
    return recredentialing_due(today=today, until=today - timedelta(days=1))


def recredentialing_expirables(*, today: date, days: int, provider_id: int | None = None) -> list[Expirable]:
    """Recredentialing due dates in the next `days`, as the expirables list shows credentials."""
    rows = running_clocks().filter(recredentialing_due_on__range=(today, today + timedelta(days=days)))
    if provider_id is not None:
        rows = rows.filter(provider_id=provider_id)
    return [
        Expirable(
            provider_id,
            RECREDENTIALING_KIND,
            f"Approved {decided_on:%b %-d, %Y}; recredentialing due",
            due_on,
            identity=f"{RECREDENTIALING_KIND}:{due_on.isoformat()}",
        )
        for provider_id, decided_on, due_on in rows.values_list(
            "provider_id", "decided_on", "recredentialing_due_on"
        )
        if due_on is not None  # always: standing approvals have one
    ]


@dataclass(frozen=True)
class LateNotice:
    decision: CredentialingDecision
    due_at: datetime  # the start of the 31st day after the decision date, company time
    email_id: int | None  # its outbox row, None if it was never queued


def notice_due_at(decided_on: date) -> datetime:
    """The notice is late from the start of the 31st day after the decision (NCQA: 30 days)."""
    late_from = decided_on + timedelta(days=NOTICE_DAYS + 1)
    return timezone.make_aware(datetime.combine(late_from, datetime.min.time()))


def notices_not_sent(*, now: datetime, within: timedelta) -> list[LateNotice]:
    """Decisions whose notice email is not sent and falls late before now + within (late ones and
    those at risk), oldest first. One query: the notice's outbox row comes as a subquery."""
    notice = OutboxEmail.objects.filter(
        provider=OuterRef("provider"),
        step=emails.CREDENTIALING_DECISION,
        key=Concat(Value("decision-"), Cast(OuterRef("pk"), CharField())),
    )
    horizon_day = timezone.localdate(now + within)
    rows = (
        CredentialingDecision.objects.filter(decided_on__lte=horizon_day - timedelta(days=NOTICE_DAYS + 1))
        .annotate(
            sent_id=Subquery(notice.filter(sent_at__isnull=False).values("pk")[:1]),
            email_id=Subquery(notice.order_by("resend").values("pk")[:1]),
        )
        .filter(sent_id__isnull=True)
        .select_related("provider")
        .only("outcome", "decided_on", "provider__legal_name", "provider_id")
        .order_by("decided_on", "pk")
    )
    return [LateNotice(row, notice_due_at(row.decided_on), row.email_id) for row in rows]


@dataclass(frozen=True)
class ProviderCredentialing:
    """What the provider's dashboard says: the latest decision, and the recredentialing clock of
    the approval that stands (None before a first approval and after a denial)."""

    latest: CredentialingDecision
    recredentialing: RecredentialingStatus | None

    @property
    def open_for_confirmation(self) -> bool:
        return self.recredentialing is not None and self.recredentialing.standing in {"due_soon", "past_due"}


def provider_credentialing(provider: Provider, *, today: date) -> ProviderCredentialing | None:
    """The provider's credentialing decision for their dashboard (one query), None before any:
    the latest decision, with the standing approval's due date beside it, however many
    deferrals came after the approval.

    The provider's decisions are a handful (one a cycle, and the deferrals), read newest first;
    the standing approval is found among them as `standing_approvals` finds it in SQL for
    everyone: the latest approval or denial, when it is an approval with a due date.
    tests/verification/test_recredentialing_dashboard.py holds the two equal.
    """
    decisions = list(
        CredentialingDecision.objects.filter(provider=provider)
        .order_by("-decided_on", "-pk")
        .only("cycle", "outcome", "decided_on", "reason", "recredentialing_due_on", "provider_id")
    )
    if not decisions:
        return None
    decisive = next((d for d in decisions if d.outcome in {Outcome.APPROVED, Outcome.DENIED}), None)
    standing = decisive if decisive is not None and decisive.outcome == Outcome.APPROVED else None
    due_on = standing.recredentialing_due_on if standing is not None else None
    return ProviderCredentialing(
        latest=decisions[0],
        recredentialing=RecredentialingStatus(due_on=due_on, today=today) if due_on else None,
    )
