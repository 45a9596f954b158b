"""The dashboard's reads and `build_dashboard`, which puts the parts together."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, TypedDict, cast

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from credentialing.expirables import KIND_LABELS
from credentialing.models import ApplicationStatus, PayerApplication, PayerApplicationEvent
from credentialing.selectors import earliest_effective_date
from credentialing.services.expirables import provider_expirables
from credentialing.turnaround import dated_statuses, with_status_inputs
from directory.golive import GoLiveDecision
from directory.models import DirectoryProfile
from directory.selectors import go_live_for_loaded_provider
from onboarding import email_kinds
from onboarding.models import OnboardingStep, OutboxEmail, Provider
from portal.dashboard.action_items import Facts, Item, related
from portal.dashboard.forecast import GoLiveForecast, go_live_forecast
from portal.dashboard.insurance import PAYER_ORDER, PAYERS_SHOWN, PayerStatus, payer_status
from portal.dashboard.stages import Stage, build_stages
from portal.dashboard.timeline import TIMELINE_LIMIT, TimelineEntry, Upcoming, timeline, upcoming
from practice.models import Client
from support.selectors import articles_by_action_item
from verification.selectors.decisions import ProviderCredentialing, provider_credentialing

if TYPE_CHECKING:
    # Only the type checker reads this: django-stubs-ext is a development dependency.
    from django_stubs_ext import WithAnnotations

    class _ClientCheck(TypedDict):
        has_clients: bool

    DashboardProvider = WithAnnotations[Provider, _ClientCheck]

EXPIRING_DAYS = 60
# The directory profile's columns for clients, which no item reads (deferred).
PROFILE_CONTENT = (
    *("bio", "bio_pending", "bio_review_note", "hidden_reason", "search_vector"),
    *("specialties", "approaches", "populations", "languages", "states_licensed", "network_payer_ids"),
)
UPCOMING_LIMIT = 6


@dataclass
class Dashboard:
    provider: Provider
    stages: list[Stage]
    upcoming: list[Upcoming]
    upcoming_more: int
    timeline: list[TimelineEntry]
    payers: list[PayerStatus]
    payers_more: int
    payer_counts: dict[str, int]
    effective_start_date: date | None
    go_live: GoLiveDecision
    today: date
    # While the rule cannot date the profile: its likely range and what it waits for.
    forecast: GoLiveForecast | None = None
    profile: DirectoryProfile | None = None  # the directory profile, once it is built
    expiring: list = field(default_factory=list)  # credentials to renew in the next 60 days
    # The credentialing committee's latest decision and the recredentialing clock, once decided.
    credentialing_decision: ProviderCredentialing | None = None

    @property
    def profile_live(self) -> bool:
        return self.profile is not None and self.profile.is_live

    @property
    def onboarding_complete(self) -> bool:
        return self.provider.onboarding_step == OnboardingStep.ONBOARDING_COMPLETE

    @property
    def go_live_reached(self) -> bool:
        return self.go_live.is_live_on(self.today)

    @property
    def in_network_yet(self) -> bool:
        return self.effective_start_date is not None and self.effective_start_date <= self.today

    @property
    def items(self) -> list[Item]:
        return [item for stage in self.stages for item in stage.items]

    @property
    def done_count(self) -> int:
        return sum(item.done for item in self.items)

    @property
    def next_item(self) -> Item | None:
        """The first item the provider can act on now (the page's "Next up" button)."""
        return next((item for item in self.items if not item.done and item.cta_url), None)


def provider_for_dashboard(user: User | AnonymousUser) -> DashboardProvider:
    """The signed-in provider with everything the action items read, in one query: its one-to-one
    rows of other apps joined (the directory's go-live inputs among them) and "has a client" as an
    EXISTS."""
    if not user.is_authenticated or user.is_staff:
        raise Http404("The Onboarding Dashboard is for providers.")
    # Not the user: it is the signed-in one, already loaded by the session middleware. Each
    # one-to-one joined here adds to PostgreSQL's planning of the query (8 ms with the user as an
    # eighth join, 2 ms without it, on the benchmark's machine), more than the query itself.
    providers = Provider.objects.select_related(
        "agreement",
        "general_onboarding",
        "insurance_form",
        "directory_profile",
        "training_progress",
        "payout_account",
    ).annotate(has_clients=Exists(Client.objects.filter(provider=OuterRef("pk"))))
    # The saved drafts of both forms (whole forms as JSON, decoded on every load) are the forms'
    # own business: the items read only when a draft was saved. Of the directory profile the
    # dashboard reads its state (live, reviewed, hidden, left), never what clients read: its
    # text, its JSON lists and its search vector stay in the database.
    providers = providers.defer(
        "general_onboarding__draft_answers",
        "insurance_form__draft_answers",
        *(f"directory_profile__{name}" for name in PROFILE_CONTENT),
    )
    try:
        provider = cast("DashboardProvider", providers.get(user=user))
    except Provider.DoesNotExist as exc:
        raise Http404("No provider account is linked to this login.") from exc
    provider.user = user
    return provider


def build_dashboard(provider: DashboardProvider, *, now: datetime | None = None) -> Dashboard:
    """The whole dashboard for a provider loaded by `provider_for_dashboard`."""
    now = now or timezone.now()
    today = timezone.localdate(now)

    applications = list(
        with_status_inputs(PayerApplication.objects.filter(provider=provider))
        .select_related("payer")
        .only(
            "status",
            "requested_at",
            "submitted_at",
            "decided_at",
            "effective_date",
            "denial_reason",
            "withdrawn_at",
            "provider_id",
            "payer__name",
            "payer__slug",
        )
    )
    # The reason, who acts next and the expected decision of each (one query: the history).
    statuses = dated_statuses(applications, now=now)
    start = earliest_effective_date(applications)

    step_events = list(provider.onboarding_events.order_by("-occurred_at", "-pk")[:TIMELINE_LIMIT])
    # The provider's own emails: not the notices about them sent to staff (by kind, from the
    # registry: no query, and whatever address the credentialing team has today).
    staff_kinds = email_kinds.staff_notice_codes()
    sent_emails = list(
        provider.outbox_emails.filter(sent_at__isnull=False)
        .exclude(step__in=staff_kinds)
        .only("step", "sent_at", "provider_id")
        .order_by("-sent_at", "-pk")[:TIMELINE_LIMIT]
    )
    reviews = list(provider.form_reviews.order_by("-decided_at", "-pk")[:TIMELINE_LIMIT])
    decisions = list(
        PayerApplicationEvent.objects.filter(
            application__provider=provider,
            to_status__in=[ApplicationStatus.APPROVED, ApplicationStatus.DENIED],
        )
        .select_related("application__payer")
        .only(
            "to_status",
            "note",
            "occurred_at",
            "application__effective_date",
            "application__payer__name",
        )
        .order_by("-occurred_at", "-pk")[:TIMELINE_LIMIT]
    )
    next_email = (
        OutboxEmail.objects.unsent()
        .filter(provider=provider)
        .exclude(step__in=staff_kinds)
        .only("step", "due_at", "provider_id")
        .order_by("due_at", "pk")
        .first()
    )
    # The same for every provider: from the cache (support.selectors), no query once warm.
    articles = articles_by_action_item()

    facts = Facts(
        now=now,
        today=today,
        reviews=reviews,
        # Oldest first, so a step recorded twice keeps its latest time.
        step_times={event.to_step: event.occurred_at for event in reversed(step_events)},
        effective_start_date=start,
        approved_payers=sum(a.status == ApplicationStatus.APPROVED for a in applications),
        applications_in_progress=sum(
            a.status in {ApplicationStatus.REQUESTED, ApplicationStatus.SUBMITTED} for a in applications
        ),
        # The directory's decision, from the rows provider_for_dashboard joined (no query).
        go_live=go_live_for_loaded_provider(provider, effective_start=start),
        has_clients=provider.has_clients,
        payer_statuses=[statuses[a.pk] for a in applications],
    )
    stages = build_stages(provider, facts, articles)

    dates = upcoming(provider, facts, next_email, applications, statuses)
    applications.sort(key=lambda a: (PAYER_ORDER.index(a.status), a.payer.name))
    counts = {ApplicationStatus(status).label: 0 for status in PAYER_ORDER}
    for application in applications:
        counts[application.get_status_display()] += 1
    return Dashboard(
        provider=provider,
        stages=stages,
        upcoming=dates[:UPCOMING_LIMIT],
        upcoming_more=max(0, len(dates) - UPCOMING_LIMIT),
        timeline=timeline(provider, step_events, sent_emails, reviews, decisions),
        payers=[payer_status(a, statuses[a.pk]) for a in applications[:PAYERS_SHOWN]],
        payers_more=max(0, len(applications) - PAYERS_SHOWN),
        payer_counts={label: count for label, count in counts.items() if count},
        effective_start_date=start,
        go_live=facts.go_live,
        today=today,
        forecast=_forecast(provider, facts),
        profile=related(provider, "directory_profile"),
        expiring=[
            {
                "label": KIND_LABELS[item.kind],
                "reference": item.reference,
                "expires_on": item.expires_on,
                "days_left": item.days_left(today),
            }
            for item in provider_expirables(provider, today=today, days=EXPIRING_DAYS)
        ],
        credentialing_decision=provider_credentialing(provider, today=today),
    )


def _forecast(provider: Provider, facts: Facts) -> GoLiveForecast | None:
    progress = related(provider, "training_progress")
    return go_live_forecast(
        decision=facts.go_live,
        payers=facts.payer_statuses,
        contracted_start=provider.contracted_start_date,
        webinar_done=bool(progress and progress.webinar_completed_at),
        quiz_done=bool(progress and progress.quiz_passed_at),
        today=facts.today,
    )
