"""The action items of "Expanding Your Caseload": the directory profile and the first client."""

from __future__ import annotations

from directory.golive import day_label
from onboarding.models import Provider, ReviewStatus
from portal.dashboard.action_items import Facts, Item, on, page_url, related
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


def directory_profile(provider: Provider, facts: Facts) -> Item:
    key, title = ActionItem.DIRECTORY_PROFILE, ActionItem.DIRECTORY_PROFILE.label
    form = related(provider, "general_onboarding")
    gaps = profile_gaps(provider)
    approved = form is not None and form.status == ReviewStatus.APPROVED
    go_live = facts.go_live
    profile = related(provider, "directory_profile")
    if profile is not None and profile.is_live:
        since = f" since {on(profile.went_live_at)}" if profile.went_live_at else ""
        return Item(
            key,
            title,
            done=True,
            status=f"Live in the directory{since}",
            cta_label="Review your profile",
            cta_url=page_url(key),
            required=False,
        )
    when = f"Goes live {day_label(go_live.go_live_on)}" if go_live.go_live_on else "Go-live date not set yet"
    if approved and not gaps:
        return Item(
            key,
            title,
            done=True,
            status=f"Complete · {when}",
            cta_label="Review your profile",
            cta_url=page_url(key),
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
