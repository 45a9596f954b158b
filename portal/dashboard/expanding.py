"""The action items of "Expanding Your Caseload": the directory profile and the first client."""

from __future__ import annotations

from django.urls import reverse

from directory.golive import day_label
from directory.reverification import Standing
from directory.selectors import reverification_for
from onboarding.models import Provider, ReviewStatus
from portal.dashboard.action_items import ArticleLink, Facts, Item, on, page_url, related
from support.action_items import ActionItem


def profile_gaps(provider: Provider) -> list[str]:
    """What the directory profile still lacks, from the General Onboarding form it is built from."""
    form = related(provider, "general_onboarding")
    if form is None:
        return ["photo", "bio", "specialties", "telehealth or an office"]
    checks = [
        ("photo", bool(form.photo)),
        ("bio", bool(form.bio.strip())),
        ("specialties", bool(form.specialties)),
        ("telehealth or an office", form.offers_telehealth or form.offers_in_person),
    ]
    return [name for name, present in checks if not present]


def _profile_links(profile) -> list[ArticleLink]:
    """The editor, and the profile as clients see it: the public page once live, else the
    provider's own preview (only they can open it)."""
    preview = profile.get_absolute_url() if profile.is_live else reverse("directory:my_profile_preview")
    return [
        ArticleLink("Edit your profile", reverse("directory:my_profile")),
        ArticleLink("Preview as clients see it", preview),
    ]


def directory_profile(provider: Provider, facts: Facts) -> Item:
    """Done once the provider has reviewed their built profile (saved it or said "Looks right"
    on their profile page), not merely because it was built or went live."""
    key, title = ActionItem.DIRECTORY_PROFILE, ActionItem.DIRECTORY_PROFILE.label
    form = related(provider, "general_onboarding")
    gaps = profile_gaps(provider)
    approved = form is not None and form.status == ReviewStatus.APPROVED
    go_live = facts.go_live
    profile = related(provider, "directory_profile")
    when = f"Goes live {day_label(go_live.go_live_on)}" if go_live.go_live_on else "Go-live date not set yet"
    if profile is not None and profile.is_live:
        when = f"Live in the directory since {on(profile.went_live_at)}" if profile.went_live_at else "Live"
    if profile is not None and profile.reviewed_at is not None:
        status = f"Reviewed {on(profile.reviewed_at)} · {when}"
        if (period := reverification_for(profile)) is not None:
            # No Surprises Act: a live profile is confirmed again every 90 days (directory.reverification).
            status = (
                f"Last confirmed {day_label(period.last_confirmed_on)}; confirm by {day_label(period.due_on)}"
                f" · {when}"
            )
            if period.standing(facts.today) is not Standing.CURRENT:
                status = f"Time to confirm it again. {status}"
        return Item(
            key,
            title,
            done=True,
            status=status,
            cta_label="Review your profile",
            cta_url=page_url(key),
            required=False,
            links=_profile_links(profile),
        )
    if profile is not None and approved:
        return Item(
            key,
            title,
            done=False,
            status=f"Ready for your review · {when}",
            detail="Check what clients will read about you, then choose “Looks right” or save your changes.",
            cta_label="Review your profile",
            cta_url=page_url(key),
            required=False,
            links=_profile_links(profile),
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
        cta_url=page_url(key),
        required=False,
    )
    item.waiting = not gaps
    return item


def add_client(provider: Provider, facts: Facts) -> Item:
    key, title = ActionItem.ADD_CLIENT, ActionItem.ADD_CLIENT.label
    if facts.has_clients:
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
        cta_url=page_url(key),
        required=False,
    )
