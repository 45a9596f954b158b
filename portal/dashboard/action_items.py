"""What an action item is, and the facts the items are decided from (fetched once by `board`).

Every action item is done or not because of real state (a submitted form, a recorded step, a
row in another app), never a checkbox. The builders of each stage's items live in `account`,
`insurance` and `expanding`; each is `(provider, facts) -> Item`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.urls import reverse
from django.utils import timezone

from credentialing.decision_clock import DatedStatus
from directory.golive import GoLiveDecision, day_label
from onboarding.models import FormReview, OnboardingStep, Provider
from support.action_items import ActionItem

# Pages of other apps the calls to action open, by URL name.
PAGE_URL_NAMES: dict[str, str] = {
    ActionItem.WEBINAR: "training:webinar",
    ActionItem.QUIZ: "training:quiz",
    ActionItem.PAYOUTS: "practice:payouts",
    ActionItem.ADD_CLIENT: "practice:client_add",
    ActionItem.DIRECTORY_PROFILE: "directory:my_profile",
}

STEP_ORDER = list(OnboardingStep.values)


@dataclass(frozen=True)
class ArticleLink:
    title: str
    url: str


@dataclass
class Item:
    key: str
    title: str
    done: bool
    status: str  # one line: what is true now ("Submitted Jan 5, 2026", "Not started")
    cta_label: str = ""
    cta_url: str = ""
    detail: str = ""  # why it waits, what is missing, the reason staff gave
    waiting: bool = False  # not done, and nothing the provider can do about it right now
    required: bool = True  # part of PRODUCT.md's steps 1-5 (onboarding completes without the rest)
    articles: list[ArticleLink] = field(default_factory=list)
    more_articles_url: str = ""
    # Links shown done or not (the profile item's editor and "Preview as clients see it").
    links: list[ArticleLink] = field(default_factory=list)


@dataclass
class Facts:
    """What the items are decided from, fetched once."""

    now: datetime
    today: date
    reviews: list[FormReview]  # newest first
    step_times: dict[str, datetime]
    effective_start_date: date | None
    approved_payers: int
    applications_in_progress: int
    go_live: GoLiveDecision  # directory.selectors.go_live_for_provider
    has_clients: bool  # the roster has a client
    # Each application's dated status (credentialing.turnaround), for the payer item's detail.
    payer_statuses: list[DatedStatus] = field(default_factory=list)


def step_reached(provider: Provider, step: str) -> bool:
    return STEP_ORDER.index(provider.onboarding_step) >= STEP_ORDER.index(step)


def related(provider: Provider, name: str):
    """The provider's one-to-one row `name` (joined by `provider_for_dashboard`), or None.

    A one-to-one that select_related found empty raises RelatedObjectDoesNotExist, an
    AttributeError: it reads as "no row".
    """
    return getattr(provider, name, None)


def page_url(key: str) -> str:
    """The page an item's call to action opens."""
    return reverse(PAGE_URL_NAMES[key])


def on(moment: datetime | None) -> str:
    return day_label(timezone.localdate(moment)) if moment else ""
