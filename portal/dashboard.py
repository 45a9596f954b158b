"""The Onboarding Dashboard (PRODUCT.md, "Onboarding Dashboard"): reads only, in a fixed number
of queries whatever the number of payers, events or articles.

Every action item is done or not because of real state (a submitted form, a recorded step, a
row in another app), never a checkbox. Queries, in order:

1. the provider, its user, agreement, both forms and the one-to-one rows of other apps
   (training progress, payouts account, directory profile) joined, and "has a client" as an
   EXISTS;
2. the provider's payer applications with their payers;
3. the effective start date (credentialing.selectors, the one definition of it);
4-7. the latest timeline rows of each kind: step events, sent emails, staff reviews, payer
   decisions (TIMELINE_LIMIT each, merged and cut to TIMELINE_LIMIT);
8. the next unsent email;
9. the published Support Center articles about the dashboard's action items.

Other apps' data is read through relations on Provider named `training_progress`,
`payout_account` (one-to-one) and `clients` (foreign key). While an app has not defined its
model yet, the relation is missing and the items it decides show as not done; see
`optional_relation`.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat, timezone

from alma.timekeeping import one_business_day_after
from credentialing import links as credentialing_links
from credentialing.expirables import KIND_LABELS
from credentialing.models import ApplicationStatus, PayerApplication, PayerApplicationEvent
from credentialing.selectors import effective_start_date, expected_decision_at, is_overdue
from credentialing.services.expirables import expirables_within
from directory.golive import GoLiveDecision, day_label, go_live_decision
from directory.models import DirectoryProfile
from directory.selectors import company_today
from onboarding import links
from onboarding.models import (
    EmailStep,
    FormReview,
    OnboardingStep,
    OutboxEmail,
    Provider,
    ReviewedForm,
    ReviewStatus,
)
from support.action_items import ActionItem
from support.models import Article

TIMELINE_LIMIT = 20
EXPIRING_DAYS = 60
UPCOMING_LIMIT = 6
PAYERS_SHOWN = 10
ARTICLES_PER_ITEM = 3

# Other apps' relations on Provider, by the related_name their models were agreed to use.
TRAINING_PROGRESS = "training_progress"  # training.TrainingProgress, one-to-one
PAYOUT_ACCOUNT = "payout_account"  # practice.PayoutAccount, one-to-one
CLIENTS = "clients"  # practice.Client, foreign key

# Pages of other apps the calls to action open, by URL name. Until a page exists (the name does
# not reverse) the item's call to action opens its Support Center article instead.
PAGE_URL_NAMES = {
    ActionItem.WEBINAR: "training:webinar",
    ActionItem.QUIZ: "training:quiz",
    ActionItem.PAYOUTS: "practice:payouts",
    ActionItem.ADD_CLIENT: "practice:client_add",
    ActionItem.DIRECTORY_PROFILE: "directory:my_profile",
}
# Each item's main article, the fallback call to action (support/migrations/0002_seed_articles).
MAIN_ARTICLES = {
    ActionItem.MEMBERSHIP_AGREEMENT: "new-provider-onboarding-overview",
    ActionItem.GENERAL_ONBOARDING: "general-onboarding-form",
    ActionItem.INSURANCE_FORM: "insurance-form",
    ActionItem.STAFF_REVIEW: "staff-review-of-your-forms",
    ActionItem.SET_PASSWORD: "setting-your-password",
    ActionItem.PAYOUTS: "setting-up-your-payouts-account",
    ActionItem.WEBINAR: "insurance-program-training-webinar",
    ActionItem.QUIZ: "insurance-program-quiz",
    ActionItem.PAYER_APPROVAL: "how-credentialing-works",
    ActionItem.DIRECTORY_PROFILE: "your-directory-profile",
    ActionItem.ADD_CLIENT: "adding-a-client-to-your-roster",
}

STEP_ORDER = list(OnboardingStep.values)


def step_reached(provider: Provider, step: str) -> bool:
    return STEP_ORDER.index(provider.onboarding_step) >= STEP_ORDER.index(step)


@functools.cache
def optional_relation(name: str):
    """Provider's relation `name` if the app that owns it has defined it, else None.

    Looked up once per process: models do not change after start-up.
    """
    try:
        relation = Provider._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return relation if relation.is_relation else None


def _one_to_ones() -> list[str]:
    return [
        name
        for name in (TRAINING_PROGRESS, PAYOUT_ACCOUNT)
        if (relation := optional_relation(name)) is not None and relation.one_to_one
    ]


def _related(provider: Provider, name: str):
    # A one-to-one that select_related found empty raises RelatedObjectDoesNotExist, an
    # AttributeError: it reads as "no row".
    return getattr(provider, name, None)


def _other_app_row(provider: Provider, name: str):
    """The provider's row of another app (joined by provider_for_dashboard), or None."""
    return _related(provider, name) if optional_relation(name) is not None else None


# ---------------------------------------------------------------------------------------------
# What the template shows


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


@dataclass
class Stage:
    number: int
    title: str
    description: str
    items: list[Item]

    @property
    def done_count(self) -> int:
        return sum(item.done for item in self.items)

    @property
    def done(self) -> bool:
        return self.done_count == len(self.items)


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    title: str
    detail: str = ""


@dataclass(frozen=True)
class Upcoming:
    due: datetime | date
    title: str
    detail: str = ""
    overdue: bool = False

    @property
    def due_label(self) -> str:
        if isinstance(self.due, datetime):
            return dateformat.format(timezone.localtime(self.due), "M j, Y, g:i A")
        return day_label(self.due)

    @property
    def sort_key(self) -> datetime:
        if isinstance(self.due, datetime):
            return self.due
        return timezone.make_aware(datetime.combine(self.due, datetime.min.time()))


@dataclass(frozen=True)
class PayerStatus:
    name: str
    slug: str
    status: str
    status_label: str
    when: str  # the one date that matters for this status, in words
    overdue: bool = False


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
    profile: DirectoryProfile | None = None  # the directory profile, once it is built
    expiring: list = field(default_factory=list)  # credentials to renew in the next 60 days

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


# ---------------------------------------------------------------------------------------------
# Reads


def provider_for_dashboard(user) -> Provider:
    """The signed-in provider with everything the action items read, in one query."""
    if not user.is_authenticated or user.is_staff:
        raise Http404("The Onboarding Dashboard is for providers.")
    providers = Provider.objects.select_related(
        "user", "agreement", "general_onboarding", "insurance_form", "directory_profile", *_one_to_ones()
    )
    clients = optional_relation(CLIENTS)
    if clients is not None and clients.one_to_many:
        client_model = clients.related_model
        providers = providers.annotate(
            has_clients=Exists(client_model.objects.filter(**{clients.field.name: OuterRef("pk")}))
        )
    try:
        return providers.get(user=user)
    except Provider.DoesNotExist as exc:
        raise Http404("No provider account is linked to this login.") from exc


def _article_links(keys: list[str]) -> dict[str, list[Article]]:
    by_item: dict[str, list[Article]] = defaultdict(list)
    articles = Article.objects.published().about(*keys).only("title", "slug", "action_items")
    for article in articles:
        for key in article.action_items:
            by_item[key].append(article)
    for key, found in by_item.items():
        found.sort(key=lambda article, key=key: (article.rank_for(key), article.title))
    return by_item


def _page_or_article(key: str, articles: dict[str, list[Article]]) -> str:
    name = PAGE_URL_NAMES.get(key)
    if name:
        try:
            return reverse(name)
        except NoReverseMatch:
            pass
    return _article_url(key, articles)


def _article_url(key: str, articles: dict[str, list[Article]]) -> str:
    wanted = MAIN_ARTICLES.get(key)
    found = articles.get(key, [])
    main = next((a for a in found if a.slug == wanted), found[0] if found else None)
    if main is not None:
        return main.get_absolute_url()
    return f"{reverse('support:index')}?item={key}"


def _on(moment: datetime | None) -> str:
    return day_label(timezone.localdate(moment)) if moment else ""


# ---------------------------------------------------------------------------------------------
# Action items, one builder per item: (provider, facts) -> Item


@dataclass
class Facts:
    """What the items are decided from, fetched once."""

    now: datetime
    today: date
    reviews: list[FormReview]  # newest first
    step_times: dict[str, datetime]
    articles: dict[str, list[Article]]
    effective_start_date: date | None
    approved_payers: int
    applications_in_progress: int
    go_live: GoLiveDecision | None = None


def _form_item(provider: Provider, facts: Facts, *, key: str, reviewed_form: str, record, link: str) -> Item:
    title = ActionItem(key).label
    status = record.status if record is not None else ReviewStatus.DRAFT
    form_url = links.form_path(provider, link)
    if status in {ReviewStatus.SUBMITTED, ReviewStatus.APPROVED}:
        label = "Approved" if status == ReviewStatus.APPROVED else "Submitted, in review"
        when = record.reviewed_at if status == ReviewStatus.APPROVED else record.submitted_at
        return Item(key, title, done=True, status=f"{label} · {_on(when)}")
    if status == ReviewStatus.CHANGES_REQUESTED:
        request = next(
            (
                r
                for r in facts.reviews
                if r.form == reviewed_form and r.decision == FormReview.Decision.CHANGES_REQUESTED
            ),
            None,
        )
        return Item(
            key,
            title,
            done=False,
            status=f"Changes requested · {_on(record.reviewed_at)}",
            detail=f"Our team asked: {request.reason}" if request and request.reason else "",
            cta_label="Make the changes",
            cta_url=form_url,
        )
    saved = record is not None and record.draft_saved_at
    return Item(
        key,
        title,
        done=False,
        status=f"Draft saved · {_on(record.draft_saved_at)}" if saved else "Not started",
        cta_label="Continue the form" if saved else "Open the form",
        cta_url=form_url,
    )


def _agreement(provider: Provider, facts: Facts) -> Item:
    agreement = _related(provider, "agreement")
    signed = agreement.signed_at if agreement else None
    return Item(
        ActionItem.MEMBERSHIP_AGREEMENT,
        ActionItem.MEMBERSHIP_AGREEMENT.label,
        done=True,  # a provider exists only once their agreement is recorded (step 0)
        status=f"Signed · {_on(signed)}" if signed else "Signed",
    )


def _general_onboarding(provider: Provider, facts: Facts) -> Item:
    return _form_item(
        provider,
        facts,
        key=ActionItem.GENERAL_ONBOARDING,
        reviewed_form=ReviewedForm.GENERAL_ONBOARDING,
        record=_related(provider, "general_onboarding"),
        link=links.GENERAL_ONBOARDING,
    )


def _insurance_form(provider: Provider, facts: Facts) -> Item:
    if not step_reached(provider, OnboardingStep.GENERAL_ONBOARDING_SUBMITTED):
        return Item(
            ActionItem.INSURANCE_FORM,
            ActionItem.INSURANCE_FORM.label,
            done=False,
            status="Not open yet",
            detail="Opens once you submit the General Onboarding form; we email you the link.",
            waiting=True,
        )
    return _form_item(
        provider,
        facts,
        key=ActionItem.INSURANCE_FORM,
        reviewed_form=ReviewedForm.INSURANCE_FORM,
        record=_related(provider, "insurance_form"),
        link=credentialing_links.INSURANCE_FORM,
    )


def _staff_review(provider: Provider, facts: Facts) -> Item:
    forms = {
        "General Onboarding form": _related(provider, "general_onboarding"),
        "Insurance Form": _related(provider, "insurance_form"),
    }
    statuses = {name: (record.status if record else ReviewStatus.DRAFT) for name, record in forms.items()}
    key, title = ActionItem.STAFF_REVIEW, ActionItem.STAFF_REVIEW.label
    if all(status == ReviewStatus.APPROVED for status in statuses.values()):
        approved = max((record.reviewed_at for record in forms.values() if record.reviewed_at), default=None)
        return Item(
            key, title, done=True, status=f"Both approved · {_on(approved)}" if approved else "Both approved"
        )
    in_review = [name for name, status in statuses.items() if status == ReviewStatus.SUBMITTED]
    sent_back = [name for name, status in statuses.items() if status == ReviewStatus.CHANGES_REQUESTED]
    if sent_back:
        status = f"Changes requested on the {' and the '.join(sent_back)}"
        detail = "Make the changes and submit again; we review it within one business day."
    elif in_review:
        status = f"In review: the {' and the '.join(in_review)}"
        detail = "We review each submission within one business day."
    else:
        status = "Waiting for your forms"
        detail = "We review each form within one business day of your submission."
    return Item(key, title, done=False, status=status, detail=detail, waiting=not sent_back)


def _set_password(provider: Provider, facts: Facts) -> Item:
    key, title = ActionItem.SET_PASSWORD, ActionItem.SET_PASSWORD.label
    if step_reached(provider, OnboardingStep.PORTAL_ACCESS_GRANTED):
        when = facts.step_times.get(OnboardingStep.PORTAL_ACCESS_GRANTED)
        return Item(key, title, done=True, status=f"Done · {_on(when)}" if when else "Done")
    if not step_reached(provider, OnboardingStep.FORMS_APPROVED):
        return Item(
            key,
            title,
            done=False,
            status="Not open yet",
            detail="Once both forms are approved we email you a link to set your password.",
            waiting=True,
        )
    return Item(
        key,
        title,
        done=False,
        status="Ready for you",
        detail="Use the link in your portal-access email, or set it here.",
        cta_label="Set your password",
        cta_url=reverse("account_set_password"),
    )


def _training(provider: Provider, facts: Facts, *, key: str, attribute: str, done_label: str) -> Item:
    progress = _other_app_row(provider, TRAINING_PROGRESS)
    finished = getattr(progress, attribute, None) if progress is not None else None
    title = ActionItem(key).label
    if finished:
        return Item(key, title, done=True, status=f"{done_label} · {_on(finished)}")
    cta_url = _page_or_article(key, facts.articles)
    item = Item(key, title, done=False, status="Not yet", cta_url=cta_url)
    if key == ActionItem.WEBINAR:
        item.cta_label = "Watch the webinar"
        item.detail = "Any time you like: it doesn't have to wait for the other steps."
    else:
        watched = progress is not None and getattr(progress, "webinar_completed_at", None)
        item.cta_label = "Take the quiz"
        item.detail = (
            "A few questions on the webinar." if watched else "We suggest watching the webinar first."
        )
    return item


def _webinar(provider: Provider, facts: Facts) -> Item:
    return _training(
        provider, facts, key=ActionItem.WEBINAR, attribute="webinar_completed_at", done_label="Watched"
    )


def _quiz(provider: Provider, facts: Facts) -> Item:
    return _training(provider, facts, key=ActionItem.QUIZ, attribute="quiz_passed_at", done_label="Passed")


def _payer_approval(provider: Provider, facts: Facts) -> Item:
    key, title = ActionItem.PAYER_APPROVAL, ActionItem.PAYER_APPROVAL.label
    start = facts.effective_start_date
    if start is not None:
        count = facts.approved_payers
        status = (
            f"{count} payer{'s' if count != 1 else ''} approved · effective start date {day_label(start)}"
        )
        return Item(key, title, done=True, status=status, required=False)
    item = Item(
        key,
        title,
        done=False,
        status="No payer has approved you yet",
        cta_url=reverse("insurance:overview"),
        required=False,
    )
    if facts.applications_in_progress:
        count = facts.applications_in_progress
        item.status = f"{count} application{'s' if count != 1 else ''} in progress"
        item.detail = "Payers usually decide within 45 days of submission."
        item.cta_label = "See your applications"
        item.waiting = True
    else:
        item.detail = "Choose the insurance payers you'd like to be in-network with."
        item.cta_label = "Request credentialing"
    return item


def _payouts(provider: Provider, facts: Facts) -> Item:
    key, title = ActionItem.PAYOUTS, ActionItem.PAYOUTS.label
    account = _other_app_row(provider, PAYOUT_ACCOUNT)
    if account is not None:
        last4 = getattr(account, "account_last4", "")
        status = f"Set up · account ending in {last4}" if last4 else "Set up"
        return Item(key, title, done=True, status=status, required=False)
    return Item(
        key,
        title,
        done=False,
        status="Not set up",
        detail="Add the bank account Alma pays you into before your first session.",
        cta_label="Set up payouts",
        cta_url=_page_or_article(key, facts.articles),
        required=False,
    )


def _add_client(provider: Provider, facts: Facts) -> Item:
    key, title = ActionItem.ADD_CLIENT, ActionItem.ADD_CLIENT.label
    if getattr(provider, "has_clients", False):
        return Item(key, title, done=True, status="Your roster has clients", required=False)
    start = facts.effective_start_date
    if start is None:
        detail = "Until a payer approves you, you can add cash-pay clients."
    elif start > facts.today:
        detail = f"Cash-pay clients any time; insurance clients from {day_label(start)}."
    else:
        detail = "Cash-pay clients, and insurance clients of the payers you're in-network with."
    return Item(
        key,
        title,
        done=False,
        status="No clients yet",
        detail=detail,
        cta_label="Add a client",
        cta_url=_page_or_article(key, facts.articles),
        required=False,
    )


def profile_gaps(provider: Provider) -> list[str]:
    """What the directory profile still lacks, from the General Onboarding form it is built from."""
    form = _related(provider, "general_onboarding")
    if form is None:
        return ["photo", "bio", "specialties", "telehealth or an office"]
    checks = [
        ("photo", bool(form.photo)),
        ("bio", bool(form.bio.strip())),
        ("specialties", bool(form.specialties)),
        ("telehealth or an office", form.offers_telehealth or form.offers_in_person),
    ]
    return [name for name, present in checks if not present]


def _directory_profile(provider: Provider, facts: Facts) -> Item:
    key, title = ActionItem.DIRECTORY_PROFILE, ActionItem.DIRECTORY_PROFILE.label
    form = _related(provider, "general_onboarding")
    gaps = profile_gaps(provider)
    approved = form is not None and form.status == ReviewStatus.APPROVED
    go_live = facts.go_live
    profile = _related(provider, "directory_profile")
    if profile is not None and profile.is_live:
        since = f" since {_on(profile.went_live_at)}" if profile.went_live_at else ""
        return Item(
            key,
            title,
            done=True,
            status=f"Live in the directory{since}",
            cta_label="Review your profile",
            cta_url=_page_or_article(key, facts.articles),
            required=False,
        )
    when = (
        f"Goes live {day_label(go_live.go_live_on)}"
        if go_live and go_live.go_live_on
        else "Go-live date not set yet"
    )
    if approved and not gaps:
        return Item(
            key,
            title,
            done=True,
            status=f"Complete · {when}",
            cta_label="Review your profile",
            cta_url=_page_or_article(key, facts.articles),
            required=False,
        )
    item = Item(
        key,
        title,
        done=False,
        status=f"Missing: {', '.join(gaps)}"
        if gaps
        else "Waiting for approval of your General Onboarding form",
        detail="Your profile is built from your General Onboarding form.",
        cta_label="How your profile works",
        cta_url=_page_or_article(key, facts.articles),
        required=False,
    )
    item.waiting = not gaps
    return item


# The dashboard's stages (PRODUCT.md) and the checks that decide their action items, in order.
STAGES: list[tuple[str, str, list[Callable[[Provider, Facts], Item]]]] = [
    (
        "Account Created",
        "Your agreement is signed: tell us about your practice and your credentials.",
        [_agreement, _general_onboarding, _insurance_form, _staff_review],
    ),
    (
        "Getting Started",
        "Sign in to the portal and get ready to be paid.",
        [_set_password, _payouts],
    ),
    (
        "Understanding Insurance",
        "Learn how the Alma Insurance Program works and get in-network.",
        [_webinar, _quiz, _payer_approval],
    ),
    (
        "Expanding Your Caseload",
        "Help clients find you, and start seeing them.",
        [_directory_profile, _add_client],
    ),
]


# ---------------------------------------------------------------------------------------------
# Timeline and what comes next

STEP_EVENTS = {
    OnboardingStep.ACCOUNT_CREATED: "Membership agreement recorded: your Alma account was created",
    OnboardingStep.GENERAL_ONBOARDING_SUBMITTED: "You submitted the General Onboarding form",
    OnboardingStep.INSURANCE_FORM_SUBMITTED: "You submitted the Insurance Form",
    OnboardingStep.FORMS_APPROVED: "Both of your forms were approved",
    OnboardingStep.PORTAL_ACCESS_GRANTED: "You set your password and joined the portal",
    OnboardingStep.ONBOARDING_COMPLETE: "Onboarding complete",
}
EMAILS = {
    EmailStep.GENERAL_ONBOARDING: "the General Onboarding form",
    EmailStep.INSURANCE_FORM: "the Insurance Form",
    EmailStep.GENERAL_ONBOARDING_CHANGES: "changes requested on your General Onboarding form",
    EmailStep.INSURANCE_FORM_CHANGES: "changes requested on your Insurance Form",
    EmailStep.PORTAL_ACCESS: "portal access: set your password",
    EmailStep.WEBINAR: "the Insurance Program Training Webinar and quiz",
    EmailStep.ONBOARDING_COMPLETE: "your onboarding is complete",
    # Emails of the help desk and payouts (their apps add these steps).
    "help_ticket_received": "we received your help request",
    "help_ticket_reply": "an answer to your help request",
    "payout_account_changed": "your payouts account was set or changed",
    EmailStep.PROFILE_LIVE: "your directory profile is live",
}


def _timeline(provider: Provider, step_events, sent_emails, reviews, decisions) -> list[TimelineEntry]:
    entries = [
        TimelineEntry(event.occurred_at, STEP_EVENTS.get(event.to_step, event.get_to_step_display()))
        for event in step_events
    ]
    entries += [
        TimelineEntry(email.sent_at, f"We emailed you: {EMAILS.get(email.step, email.get_step_display())}")
        for email in sent_emails
    ]
    for review in reviews:
        form = review.get_form_display()
        if review.decision == FormReview.Decision.APPROVED:
            entries.append(TimelineEntry(review.decided_at, f"Our team approved your {form}"))
        else:
            entries.append(
                TimelineEntry(review.decided_at, f"Our team asked for changes to your {form}", review.reason)
            )
    for event in decisions:
        application = event.application
        payer = application.payer.name
        if event.to_status == ApplicationStatus.APPROVED:
            effective = application.effective_date
            detail = f"Effective {day_label(effective)}" if effective else ""
            entries.append(TimelineEntry(event.occurred_at, f"{payer} approved you", detail))
        else:
            entries.append(TimelineEntry(event.occurred_at, f"{payer} declined your application", event.note))
    progress = _other_app_row(provider, TRAINING_PROGRESS)
    for attribute, title in (
        ("webinar_completed_at", "You watched the Insurance Program Training Webinar"),
        ("quiz_passed_at", "You passed the Insurance Program quiz"),
    ):
        moment = getattr(progress, attribute, None) if progress is not None else None
        if moment:
            entries.append(TimelineEntry(moment, title))
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:TIMELINE_LIMIT]


def _upcoming(provider: Provider, facts: Facts, next_email, applications) -> list[Upcoming]:
    now = facts.now
    upcoming = []
    if next_email is not None:
        upcoming.append(
            Upcoming(
                next_email.due_at,
                f"We email you: {EMAILS.get(next_email.step, next_email.get_step_display())}",
                overdue=next_email.due_at < now,
            )
        )
    for name, record in (
        ("General Onboarding form", _related(provider, "general_onboarding")),
        ("Insurance Form", _related(provider, "insurance_form")),
    ):
        if record is not None and record.status == ReviewStatus.SUBMITTED and record.submitted_at:
            due = one_business_day_after(record.submitted_at)
            upcoming.append(Upcoming(due, f"Our team reviews your {name}", overdue=due < now))
    for application in applications:
        if application.status == ApplicationStatus.SUBMITTED and application.submitted_at:
            upcoming.append(
                Upcoming(
                    timezone.localdate(expected_decision_at(application.submitted_at)),
                    f"{application.payer.name} decides on your application",
                    overdue=is_overdue(application, now),
                )
            )
    start = facts.effective_start_date
    if start is not None and start > facts.today:
        upcoming.append(Upcoming(start, "Your effective start date: insurance clients from this day"))
    go_live = facts.go_live
    if go_live is not None and go_live.go_live_on and go_live.go_live_on > facts.today:
        upcoming.append(Upcoming(go_live.go_live_on, "Your directory profile goes live"))
    upcoming.sort(key=lambda entry: entry.sort_key)
    return upcoming


# Approved first, then what is moving, then what has ended.
PAYER_ORDER = [
    ApplicationStatus.APPROVED,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.REQUESTED,
    ApplicationStatus.DENIED,
    ApplicationStatus.WITHDRAWN,
]


def _payer_status(application: PayerApplication, now: datetime) -> PayerStatus:
    status = application.status
    if status == ApplicationStatus.APPROVED:
        when = f"Effective {day_label(application.effective_date)}"
    elif status == ApplicationStatus.SUBMITTED and application.submitted_at:
        expected = timezone.localdate(expected_decision_at(application.submitted_at))
        when = f"Decision expected by {day_label(expected)}"
    elif status == ApplicationStatus.DENIED:
        when = f"Denied {_on(application.decided_at)}"
    elif status == ApplicationStatus.WITHDRAWN:
        when = f"Unenrolled {_on(application.withdrawn_at)}"
    else:
        when = f"Requested {_on(application.requested_at)}"
    return PayerStatus(
        name=application.payer.name,
        slug=application.payer.slug,
        status=status,
        status_label=application.get_status_display(),
        when=when,
        overdue=is_overdue(application, now),
    )


def _training_completed_on(provider: Provider) -> date | None:
    progress = _other_app_row(provider, TRAINING_PROGRESS)
    if progress is None:
        return None
    watched = getattr(progress, "webinar_completed_at", None)
    passed = getattr(progress, "quiz_passed_at", None)
    if not (watched and passed):
        return None
    # The day in the company's zone, as the publishing sweep counts it (directory.selectors).
    return company_today(max(watched, passed))


def build_dashboard(provider: Provider, *, now: datetime | None = None) -> Dashboard:
    """The whole dashboard for a provider loaded by `provider_for_dashboard`."""
    now = now or timezone.now()
    today = timezone.localdate(now)

    applications = list(
        PayerApplication.objects.filter(provider=provider)
        .select_related("payer")
        .only(
            "status",
            "requested_at",
            "submitted_at",
            "decided_at",
            "effective_date",
            "withdrawn_at",
            "provider_id",
            "payer__name",
            "payer__slug",
        )
    )
    start = effective_start_date(provider)

    step_events = list(provider.onboarding_events.order_by("-occurred_at", "-pk")[:TIMELINE_LIMIT])
    sent_emails = list(
        provider.outbox_emails.filter(sent_at__isnull=False)
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
        .only("step", "due_at", "provider_id")
        .order_by("due_at", "pk")
        .first()
    )
    articles = _article_links(list(ActionItem.values))

    facts = Facts(
        now=now,
        today=today,
        reviews=reviews,
        # Oldest first, so a step recorded twice keeps its latest time.
        step_times={event.to_step: event.occurred_at for event in reversed(step_events)},
        articles=articles,
        effective_start_date=start,
        approved_payers=sum(a.status == ApplicationStatus.APPROVED for a in applications),
        applications_in_progress=sum(
            a.status in {ApplicationStatus.REQUESTED, ApplicationStatus.SUBMITTED} for a in applications
        ),
    )
    form = _related(provider, "general_onboarding")
    profile = _related(provider, "directory_profile")
    facts.go_live = go_live_decision(
        effective_start_date=start,
        contracted_start_date=provider.contracted_start_date,
        training_completed_on=_training_completed_on(provider),
        general_onboarding_approved=form is not None and form.status == ReviewStatus.APPROVED,
        hidden_by_staff=profile is not None and profile.hidden_by_staff,
        offboarded=profile is not None and profile.is_offboarded,
    )

    stages = []
    for number, (title, description, checks) in enumerate(STAGES, start=1):
        items = [check(provider, facts) for check in checks]
        for item in items:
            found = articles.get(item.key, [])
            item.articles = [ArticleLink(a.title, a.get_absolute_url()) for a in found[:ARTICLES_PER_ITEM]]
            if len(found) > ARTICLES_PER_ITEM:
                item.more_articles_url = f"{reverse('support:index')}?item={item.key}"
        stages.append(Stage(number, title, description, items))

    upcoming = _upcoming(provider, facts, next_email, applications)
    applications.sort(key=lambda a: (PAYER_ORDER.index(a.status), a.payer.name))
    counts = {ApplicationStatus(status).label: 0 for status in PAYER_ORDER}
    for application in applications:
        counts[application.get_status_display()] += 1
    return Dashboard(
        provider=provider,
        stages=stages,
        upcoming=upcoming[:UPCOMING_LIMIT],
        upcoming_more=max(0, len(upcoming) - UPCOMING_LIMIT),
        timeline=_timeline(provider, step_events, sent_emails, reviews, decisions),
        payers=[_payer_status(a, now) for a in applications[:PAYERS_SHOWN]],
        payers_more=max(0, len(applications) - PAYERS_SHOWN),
        payer_counts={label: count for label, count in counts.items() if count},
        effective_start_date=start,
        go_live=facts.go_live,
        today=today,
        profile=profile,
        expiring=[
            {
                "label": KIND_LABELS[item.kind],
                "reference": item.reference,
                "expires_on": item.expires_on,
                "days_left": item.days_left(today),
            }
            for item in expirables_within(today=today, days=EXPIRING_DAYS, provider_id=provider.pk)
        ],
    )
