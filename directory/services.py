"""Every write to the directory: building profiles, publishing on the go-live day, staff switches,
the provider's edits and the review of their bio.

Publishing is set-based. `profiles_publish_due` (the directory's beat job, at midnight and every
few minutes, and `publish_profiles`) and the event hooks (`profile_publish_if_due` when training
is completed, `profiles_sync` when a payer decision changes a network, both received as signals
in directory/receivers.py, a contracted start date corrected, the form approved, hide, unhide
and offboard) all run the same few queries, over every provider or over the few an event
concerns:

1. build the profiles missing for approved General Onboarding forms (select, check slugs,
   insert, and write their go-live dates: four queries per 2,000 new profiles, one when there
   are none);
2. an event's run first writes its providers' stored go-live dates (`go_live_on`, one UPDATE of
   those whose date moved: profiles_go_live_write), so every input change moves the date;
3. find the profiles whose `is_live` differs from their stored date on the day (one probe of two
   small partial indexes: all a quiet run reads, an empty range whatever the number of
   providers), then select FOR UPDATE those only, with the rule's inputs (with_go_live_inputs),
   each checked once more against the pure rule; a stored date the rule contradicts is
   repaired (and logged), never published on;
3. one UPDATE for those going live, one for those coming down, one INSERT of their
   ProfileEvents (with the reason in words) and one INSERT of their emails into the outbox
   (outbox_enqueue_many, ON CONFLICT DO NOTHING on (provider, kind, key)): "your profile is
   live" once per provider, however often the profile comes and goes, however often the sweep
   runs; "your profile was taken down", with why, once per take-down (directory/emails.py);
   INSERTs go in batches of 5,000 rows, which only a first run over a backlog reaches.
4. after commit, one task sends the queued emails (not one task per provider).

A second run finds nothing to change. A dry run is the same run, rolled back.

The nightly reconciliation (`profiles_go_live_reconcile`, beat at 03:30 company time) is the
recompute of everything the sweep used to do every few minutes: every stored date against its
inputs, then every profile's `is_live` against the rule computed from scratch
(directory.selectors.profiles_to_change). What it repairs is a write path that missed an input
change (a row changed behind the services' back); it is logged as a WARNING with counts, so it is
repaired within a day and seen.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    DateField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from alma.text import without_bidi_controls
from directory import emails, reverification, search_cache, selectors
from directory.errors import (
    NothingToReview,
    ProfileNotReady,
    ProfileOffboarded,
    PublishDateRefused,
    ReasonRequired,
)
from directory.golive import GoLiveDecision, day_label
from directory.models import LISTED_UNTIL, WAITING_FOR_DAY, DirectoryProfile, ProfileEvent
from directory.signals import profiles_built
from onboarding.models import Provider, ReviewStatus
from onboarding.services.outbox import OutgoingEmail, outbox_enqueue, outbox_enqueue_many

logger = logging.getLogger(__name__)

E = ProfileEvent.Kind
SWEEP = "scheduled sweep"
TRAINING_COMPLETED = "training completed"
PAYER_APPROVED = "payer approved"
PAYER_WITHDRAWN = "payer withdrawn"
RECONCILIATION = "nightly reconciliation"
CREATE_BATCH = 2000
# How far back the every-2-minutes sweep looks for an approved form without a profile. Approval
# builds the profile at once (portal.services.review -> the receivers); the sweep only catches up
# a build that failed, so it reads the forms approved lately, from the partial index
# general_onboarding_approved, instead of every approved form (an anti-join over all providers:
# 55 ms of its 62 ms at 100k with nothing due). The nightly reconciliation checks them all.
MISSING_PROFILE_WINDOW = timedelta(days=2)
# Rows per INSERT when a run writes many (the first run over a backlog): bounded statement size.
INSERT_BATCH = 5000


@dataclass(frozen=True)
class Change:
    """One profile going live or coming down, and why (publish_profiles prints these)."""

    action: str  # "publish" | "unpublish"
    provider_id: int
    name: str
    slug: str
    go_live_on: date | None
    reason: str


@dataclass
class PublishResult:
    as_of: date
    dry_run: bool
    trigger: str
    created: int = 0
    changes: list[Change] = field(default_factory=list)
    # Rows the SQL and the pure rule disagreed on: left as they were, logged at ERROR.
    disagreements: list[int] = field(default_factory=list)
    # Profiles whose stored go-live date the pure rule contradicted: the date is repaired (the
    # rule's), logged at WARNING, and the profile changes only as the rule says.
    dates_repaired: list[int] = field(default_factory=list)

    @property
    def published(self) -> list[Change]:
        return [change for change in self.changes if change.action == "publish"]

    @property
    def unpublished(self) -> list[Change]:
        return [change for change in self.changes if change.action == "unpublish"]


# ---------------------------------------------------------------------------------------------
# The stored go-live date (DirectoryProfile.go_live_on)


# What the publishing loop reads of each profile it may change: the rule's inputs, what the event
# and the emails need, and the stored date the rule is held against.
_ROW_FIELDS = (*selectors.CHANGE_FIELDS, "go_live_on")


class _Differs(Func):
    """`a IS DISTINCT FROM b`, as a condition: two dates differ, a NULL and a date included."""

    arg_joiner = " IS DISTINCT FROM "
    template = "(%(expressions)s)"
    output_field = BooleanField()
    conditional = True

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, arg_joiner=" IS NOT ", **extra_context)


def go_live_on_of_profile() -> Subquery:
    """The rule's go-live date of each profile, as SQL for a set-based write: the latest of the
    earliest approved effective date, the contracted start date and the training day, NULL while
    any of the rule's blockers holds (directory.golive.go_live_decision's `go_live_on`).

    Read from the one builder of the rule's inputs (selectors.with_provider_go_live_inputs, as the
    dashboard and the per-row check of the sweep read them), so the stored date cannot drift from
    what the rule is asked. One correlated subquery per profile: cheap for an event's few
    providers; over every profile it is the nightly reconciliation's cost, never the sweep's.
    """
    inputs = selectors.with_provider_go_live_inputs(Provider.objects.filter(pk=OuterRef("provider_id")))
    unblocked = Q(
        effective_start__isnull=False,
        training_on__isnull=False,
        form_approved=True,
        staff_hidden=False,
        offboarded=False,
    )
    day = Case(
        When(unblocked, then=Greatest("effective_start", "contracted_start", "training_on")),
        default=None,
        output_field=DateField(),
    )
    return Subquery(inputs.annotate(go_live_day=day).values("go_live_day")[:1], output_field=DateField())


def profiles_go_live_write(*, provider_ids: Iterable[int] | None = None) -> int:
    """Write the stored go-live date of these providers' profiles (of every profile: None) from
    their inputs now, where it moved; returns how many moved. One UPDATE.

    Every run narrowed to providers (an event: a payer decision, training completed, the form
    approved, a contracted start date corrected, hide, unhide, offboard) calls it before deciding,
    and so does building a profile: whichever input changed, the date follows it in the same
    transaction. A row whose date did not move is not written (no dead row, no trigger)."""
    profiles = DirectoryProfile.objects.all()
    if provider_ids is not None:
        profiles = profiles.filter(provider_id__in=list(provider_ids))
    computed = go_live_on_of_profile()
    return profiles.filter(_Differs(F("go_live_on"), computed)).update(go_live_on=computed)


def profiles_differing_by_date(*, as_of: date, provider_ids: list[int] | None = None) -> QuerySet:
    """The profiles whose `is_live` differs from their stored go-live date on `as_of`, as
    (pk, is_live) pairs: those not live whose day has come, and those live whose day is gone
    (NULL: something blocks it now) or moved past `as_of`.

    The sweep's only read when nothing is due: a probe of the two indexes on those expressions
    (directory_profile_going_live, directory_profile_coming_down), an empty range each."""
    profiles = DirectoryProfile.objects.alias(
        waiting_for_day=WAITING_FOR_DAY, listed_until=LISTED_UNTIL
    ).filter(Q(waiting_for_day__lte=as_of) | Q(listed_until__gt=as_of))
    if provider_ids is not None:
        profiles = profiles.filter(provider_id__in=provider_ids)
    return profiles.order_by().values_list("pk", "is_live")


def _profiles_to_change_by_date(*, as_of: date, provider_ids: list[int] | None = None):
    """Like selectors.profiles_to_change, from the stored dates: rows with the rule's inputs of
    the profiles `profiles_differing_by_date` found (none: no second query), each still as the
    first read saw it (a profile another run changed in between drops out)."""
    differing = dict(profiles_differing_by_date(as_of=as_of, provider_ids=provider_ids))
    seen_live = [pk for pk, is_live in differing.items() if is_live]
    seen_not_live = [pk for pk, is_live in differing.items() if not is_live]
    still_differing = Q(pk__in=seen_live, is_live=True) | Q(pk__in=seen_not_live, is_live=False)
    rows = (
        selectors.with_go_live_inputs(DirectoryProfile.objects.filter(still_differing))
        .annotate(email=F("provider__user__email"))
        .order_by("pk")
        .values(*_ROW_FIELDS)
    )
    return rows if differing else rows.none()


def _dates_repair(dates: dict[int, date | None]) -> None:
    """Write the rule's go-live dates over stored ones it contradicted (profiles locked by the
    caller): one UPDATE per 5,000."""
    DirectoryProfile.objects.bulk_update(
        [DirectoryProfile(pk=pk, go_live_on=day) for pk, day in sorted(dates.items())],
        ["go_live_on"],
        batch_size=INSERT_BATCH,
    )


# ---------------------------------------------------------------------------------------------
# Building profiles from approved General Onboarding forms


def _slug_candidates(provider: Provider) -> list[str]:
    # "jordan-rivera" for the first Jordan Rivera; later ones carry part of their public id, and
    # the whole id as a last resort. Never changed once given.
    base = slugify(provider.legal_name)[:80].strip("-") or "provider"
    hex_id = provider.public_id.hex
    return [base, f"{base}-{hex_id[:6]}", f"{base}-{hex_id}"]


def profile_identity(provider: Provider) -> dict[str, str]:
    """The name and credentials a profile shows: the provider's legal name and licence type.

    The one definition, used when a profile is built and when staff correct those details.
    Public text carries no bidi controls (alma/text.py), whichever way it was entered: the
    forms strip them too, but a name typed in admin or a form saved before that did not.
    """
    return {"display_name": without_bidi_controls(provider.legal_name), "credentials": provider.license_type}


def _profile_from_form(provider: Provider, slug: str, now: datetime) -> DirectoryProfile:
    form = provider.general_onboarding
    public = without_bidi_controls
    return DirectoryProfile(
        provider=provider,
        slug=slug,
        **profile_identity(provider),
        photo=form.photo.name if form.photo else "",
        bio=public(form.bio),
        specialties=list(form.specialties),
        approaches=list(form.approaches),
        populations=list(form.populations),
        languages=list(form.languages),
        states_licensed=list(form.states_licensed),
        offers_telehealth=form.offers_telehealth,
        offers_in_person=form.offers_in_person,
        practice_name=public(form.practice_name),
        office_address_line1=public(form.address_line1),
        office_address_line2=public(form.address_line2),
        office_city=public(form.city),
        office_state=form.state or "",
        office_postal_code=form.postal_code or "",
        created_at=now,
        updated_at=now,
    )


def profiles_create_missing(
    *,
    now: datetime | None = None,
    provider_ids: Iterable[int] | None = None,
    approved_since: datetime | None = None,
) -> int:
    """Build the profile of every provider whose General Onboarding form is approved and who has
    none yet (of those whose form was approved since `approved_since`, when given). Returns how
    many were built."""
    now = now or timezone.now()
    # NOT EXISTS on the profile's unique provider index (an anti-join reading the index only),
    # not a LEFT JOIN of every profile's wide row: the sweep asks this every few minutes.
    missing = Provider.objects.filter(
        ~Exists(DirectoryProfile.objects.filter(provider=OuterRef("pk"))),
        general_onboarding__status=ReviewStatus.APPROVED,
    )
    if provider_ids is not None:
        missing = missing.filter(pk__in=list(provider_ids))
    if approved_since is not None:
        missing = missing.filter(general_onboarding__reviewed_at__gte=approved_since)
    missing = missing.select_related("general_onboarding").order_by("pk")
    created = 0
    last_pk = 0
    while batch := list(missing.filter(pk__gt=last_pk)[:CREATE_BATCH]):
        last_pk = batch[-1].pk
        candidates = {provider.pk: _slug_candidates(provider) for provider in batch}
        taken = set(
            DirectoryProfile.objects.filter(
                slug__in=[slug for slugs in candidates.values() for slug in slugs]
            ).values_list("slug", flat=True)
        )
        profiles = []
        for provider in batch:
            slug = next(s for s in candidates[provider.pk] if s not in taken)
            taken.add(slug)
            profiles.append(_profile_from_form(provider, slug, now))
        # A concurrent run building the same profile: the unique provider (or slug) wins, this
        # row is skipped, and the next run builds whatever is still missing.
        DirectoryProfile.objects.bulk_create(profiles, ignore_conflicts=True)
        created += len(profiles)
        # Born with their go-live date, before anything (a receiver below, the sweep) reads it.
        profiles_go_live_write(provider_ids=[profile.provider_id for profile in profiles])
        profiles_built.send(
            sender=DirectoryProfile, provider_ids=[profile.provider_id for profile in profiles], now=now
        )
        if len(batch) < CREATE_BATCH:
            break
    return created


# ---------------------------------------------------------------------------------------------
# Publishing


def profiles_publish_due(
    *,
    now: datetime | None = None,
    as_of: date | None = None,
    dry_run: bool = False,
    provider_ids: Iterable[int] | None = None,
    trigger: str = SWEEP,
    actor: User | None = None,
    recompute: bool = False,
) -> PublishResult:
    """Publish every profile whose go-live date has come, unpublish every live one that is no
    longer due; record each with its reason and queue the "live" and "taken down" emails.

    `as_of` (default: today in the company time zone) may differ from today only in a dry run:
    a real run never publishes early, and today's run already covers every earlier day.

    The profiles to change are found from their stored go-live dates (an index probe); with
    `recompute`, from the rule's inputs over every profile, as the nightly reconciliation does
    (selectors.profiles_to_change). Either way each is checked against the pure rule first.
    """
    now = now or timezone.now()
    today = selectors.company_today(now)
    as_of = as_of or today
    if as_of != today and not dry_run:
        raise PublishDateRefused(
            f"Publishing always runs as of today ({today:%Y-%m-%d}); use a dry run to see what "
            f"{as_of:%Y-%m-%d} would change."
        )
    if provider_ids is not None:
        provider_ids = list(provider_ids)
    with transaction.atomic():
        result = _publish(
            now=now,
            as_of=as_of,
            dry_run=dry_run,
            provider_ids=provider_ids,
            trigger=trigger,
            actor=actor,
            recompute=recompute,
        )
        if dry_run:
            transaction.set_rollback(True)  # the emails' on-commit delivery is dropped with it
    if result.changes and not dry_run:
        logger.info(
            "Directory (%s): %s published, %s unpublished as of %s",
            trigger,
            len(result.published),
            len(result.unpublished),
            as_of.isoformat(),
        )
    return result


def _publish(
    *,
    now: datetime,
    as_of: date,
    dry_run: bool,
    provider_ids: list[int] | None,
    trigger: str,
    actor: User | None,
    recompute: bool = False,
) -> PublishResult:
    result = PublishResult(as_of=as_of, dry_run=dry_run, trigger=trigger)
    # The sweep (every profile, from the stored dates) catches up recent approvals only; an
    # event's run (its providers) and the full recompute look at every approved form.
    lately = provider_ids is None and not recompute
    result.created = profiles_create_missing(
        now=now, provider_ids=provider_ids, approved_since=now - MISSING_PROFILE_WINDOW if lately else None
    )
    if provider_ids is not None:
        # An event's run: whichever of its providers' inputs moved, their dates follow first.
        profiles_go_live_write(provider_ids=provider_ids)
    going_live: list[dict[str, Any]] = []
    coming_down: list[dict[str, Any]] = []
    events: list[ProfileEvent] = []
    decisions: dict[int, GoLiveDecision] = {}  # by profile: what a take-down email says
    repaired: dict[int, date | None] = {}  # stored dates the rule contradicts, by profile
    if recompute:
        found = selectors.profiles_to_change(as_of=as_of, provider_ids=provider_ids).values(*_ROW_FIELDS)
    else:
        found = _profiles_to_change_by_date(as_of=as_of, provider_ids=provider_ids)
    for row in found.select_for_update(of=("self",)):
        decision = selectors.decision_for(row)
        due = decision.is_live_on(as_of)
        if decision.go_live_on != row["go_live_on"]:
            repaired[row["pk"]] = decision.go_live_on
        if recompute and due == row["is_live"]:
            # Never publish on the SQL's word alone: a disagreement is a bug to look at.
            logger.error(
                "Go-live rule and SQL disagree for profile %s (SQL due=%s, rule: %s); left as it is",
                row["pk"],
                not row["is_live"],
                decision.summary(as_of),
            )
            result.disagreements.append(row["pk"])
            continue
        if due == row["is_live"]:
            # Selected on a stored date the rule contradicts: the date is wrong, is_live is not.
            continue
        reason = decision.summary(as_of)
        (going_live if due else coming_down).append(row)
        decisions[row["pk"]] = decision
        name = f"{row['display_name']}, {row['credentials']}" if row["credentials"] else row["display_name"]
        result.changes.append(
            Change(
                "publish" if due else "unpublish",
                row["provider_id"],
                name,
                row["slug"],
                decision.go_live_on,
                reason,
            )
        )
        events.append(
            ProfileEvent(
                profile_id=row["pk"],
                kind=E.PUBLISHED if due else E.UNPUBLISHED,
                trigger=trigger,
                reason=reason,
                go_live_on=decision.go_live_on or decision.not_before,
                actor=actor,
                occurred_at=now,
            )
        )
    _listing_write(going_live, coming_down, now=now, as_of=as_of)
    if events:
        ProfileEvent.objects.bulk_create(events, batch_size=INSERT_BATCH)
    _queue_emails(going_live, coming_down, events, decisions, now=now, as_of=as_of)
    if repaired:
        _dates_repair(repaired)
        result.dates_repaired = sorted(repaired)
        if not dry_run:
            # A write path that missed an input change: repaired now, and seen.
            logger.warning(
                "Directory (%s): %s stored go-live date(s) contradicted the rule and were repaired "
                "(profiles %s)",
                trigger,
                len(repaired),
                ", ".join(map(str, result.dates_repaired[:20])),
            )
    return result


def _listing_write(going_live: list, coming_down: list, *, now: datetime, as_of: date) -> None:
    """Put these profiles on the public list and take those off it, one UPDATE each."""
    if going_live:
        # In the same UPDATE, its place in today's fair order (the midnight job ranks the rest).
        DirectoryProfile.objects.filter(pk__in=[row["pk"] for row in going_live]).update(
            is_live=True, went_live_at=now, updated_at=now, **selectors.fair_rank_fields(as_of)
        )
    if coming_down:
        DirectoryProfile.objects.filter(pk__in=[row["pk"] for row in coming_down]).update(
            is_live=False, updated_at=now
        )
    if going_live or coming_down:
        search_cache.directory_changed()  # an UPDATE sends no post_save: searches' counts move


def _queue_emails(
    going_live: list[dict],
    coming_down: list[dict],
    events: list[ProfileEvent],
    decisions: dict[int, GoLiveDecision],
    *,
    now: datetime,
    as_of: date,
) -> None:
    """The run's emails in one INSERT; after commit, one task sends them (outbox_enqueue_many).

    "Your profile is live" has the key "": one per provider, ever (a profile that comes down and
    goes live again, or a second sweep, finds the row there and adds nothing). "Your profile was
    taken down" is keyed by its UNPUBLISHED event (whose pk the INSERT returned): one per
    take-down, saying why, except on offboarding (directory/emails.py)."""
    queued = [
        OutgoingEmail(provider_id=row["provider_id"], to_email=row["email"], kind=emails.PROFILE_LIVE)
        for row in going_live
    ]
    down = {row["pk"]: row for row in coming_down}
    for event in events:
        row = down.get(event.profile_id)
        if row is None or not emails.taken_down_is_emailed(decisions[row["pk"]]):
            continue
        queued.append(
            OutgoingEmail(
                provider_id=row["provider_id"],
                to_email=row["email"],
                kind=emails.PROFILE_TAKEN_DOWN,
                key=f"event-{event.pk}",
                context=emails.taken_down_context(decisions[row["pk"]], as_of=as_of),
            )
        )
    outbox_enqueue_many(emails=queued, now=now)


def profiles_sync(
    *, provider_ids: Iterable[int], trigger: str, now: datetime | None = None, actor: User | None = None
) -> PublishResult:
    """Bring these providers' profiles in line with the rule now (an event that may change it),
    and their live profiles' payers in network today (`network_payer_ids`, which search filters
    by): a payer withdrawn today leaves the list today, one approved in effect today enters it."""
    now = now or timezone.now()
    provider_ids = list(provider_ids)
    result = profiles_publish_due(now=now, provider_ids=provider_ids, trigger=trigger, actor=actor)
    profiles_network_refresh(provider_ids=provider_ids, today=selectors.company_today(now))
    return result


@dataclass
class Reconciliation:
    """What the nightly reconciliation found wrong and repaired (all zero on a healthy night)."""

    as_of: date
    # Stored go-live dates that disagreed with their inputs, by how: a date where there was none,
    # none where there was one, a date moved. `repaired_ids`: the first of those profiles.
    dates_set: int = 0
    dates_cleared: int = 0
    dates_moved: int = 0
    repaired_ids: list[int] = field(default_factory=list)
    # The full recompute's run (today's rule over every profile): what it changed, the stored
    # dates and the sweep had missed.
    publish: PublishResult | None = None

    @property
    def dates_repaired(self) -> int:
        return self.dates_set + self.dates_cleared + self.dates_moved

    @property
    def missed_changes(self) -> int:
        return len(self.publish.changes) if self.publish else 0


def profiles_go_live_reconcile(*, now: datetime | None = None) -> Reconciliation:
    """The nightly reconciliation: every stored go-live date recomputed from its inputs, and every
    profile's `is_live` against the rule computed from scratch; whatever disagreed is repaired and
    logged as a WARNING with counts. Beat runs it daily (03:30 company time, after the day's
    dates came due at 00:05), so an input changed behind the services' back (an import, a row
    edited by hand, a bug in a write path) costs at most a day, and is seen.

    Set-based: one read of the dates that differ (for the counts), one UPDATE of those (computed
    again in the statement, so an event committed meanwhile is not undone), then the full run of
    the sweep as it was before the stored dates (profiles_publish_due with recompute)."""
    now = now or timezone.now()
    today = selectors.company_today(now)
    result = Reconciliation(as_of=today)
    with transaction.atomic():
        differing = list(
            DirectoryProfile.objects.annotate(computed=go_live_on_of_profile())
            .filter(_Differs(F("go_live_on"), F("computed")))
            .order_by("pk")
            .values_list("pk", "go_live_on", "computed")
        )
        if differing:
            pks = [pk for pk, _, _ in differing]
            computed = go_live_on_of_profile()
            DirectoryProfile.objects.filter(pk__in=pks).filter(_Differs(F("go_live_on"), computed)).update(
                go_live_on=computed
            )
        result.dates_set = sum(1 for _, stored, day in differing if stored is None)
        result.dates_cleared = sum(1 for _, stored, day in differing if day is None)
        result.dates_moved = len(differing) - result.dates_set - result.dates_cleared
        result.repaired_ids = [pk for pk, _, _ in differing[:20]]
        result.publish = _publish(
            now=now,
            as_of=today,
            dry_run=False,
            provider_ids=None,
            trigger=RECONCILIATION,
            actor=None,
            recompute=True,
        )
    publish = result.publish
    if result.dates_repaired or publish.changes or publish.disagreements:
        logger.warning(
            "Directory go-live reconciliation as of %s: %s stored go-live date(s) disagreed with their "
            "inputs and were repaired (%s set, %s cleared, %s moved; profiles %s); the full recompute "
            "published %s and took down %s that the sweep had missed; %s left for the rule and SQL "
            "disagree",
            today.isoformat(),
            result.dates_repaired,
            result.dates_set,
            result.dates_cleared,
            result.dates_moved,
            ", ".join(map(str, result.repaired_ids)) or "none",
            len(publish.published),
            len(publish.unpublished),
            len(publish.disagreements),
        )
    else:
        logger.info("Directory go-live reconciliation as of %s: every stored date and profile agreed", today)
    return result


def profiles_network_refresh(*, provider_ids: Iterable[int], today: date) -> int:
    """Write these providers' live profiles' payers in network `today`, in one UPDATE (none on
    SQLite). The midnight job writes everyone's with the day's rank (profiles_fair_rank)."""
    fields = selectors.network_fields(today)
    if not fields:
        return 0
    refreshed = selectors.live_profiles().filter(provider_id__in=list(provider_ids)).update(**fields)
    if refreshed:
        search_cache.directory_changed()  # the insurance filter's matches may have changed
    return refreshed


def profile_publish_if_due(*, provider: Provider, now: datetime | None = None) -> PublishResult:
    """Training was just completed: publish the profile at once if its go-live date has come.

    Called by the training service in its own transaction; safe to call at any time, any number
    of times (it changes nothing when the profile is already as the rule says).
    """
    return profiles_sync(provider_ids=[provider.pk], trigger=TRAINING_COMPLETED, now=now)


def profile_identity_refresh(
    *, provider: Provider, actor: User | None, trigger: str, now: datetime | None = None
) -> DirectoryProfile | None:
    """Staff corrected the provider's name or licence type: the profile shows the new ones.

    The slug stays (links to the profile keep working); search finds the new name (the
    search-vector trigger rebuilds on a write of display_name). None when there is no profile.
    """
    now = now or timezone.now()
    with transaction.atomic():
        profile = DirectoryProfile.objects.select_for_update().filter(provider=provider).first()
        if profile is None:
            return None
        identity = profile_identity(provider)
        changed = [name for name, value in identity.items() if getattr(profile, name) != value]
        if not changed:
            return profile
        shown_before = profile.name_with_credentials
        for name in changed:
            setattr(profile, name, identity[name])
        profile.updated_at = now
        profile.save(update_fields=[*changed, "updated_at"])
        _event(
            profile,
            E.DETAILS_CORRECTED,
            now=now,
            actor=actor,
            reason=f"{shown_before} -> {profile.name_with_credentials}",
            trigger=trigger,
        )
    return profile


# ---------------------------------------------------------------------------------------------
# Staff switches


def _locked(profile: DirectoryProfile) -> DirectoryProfile:
    return DirectoryProfile.objects.select_for_update().get(pk=profile.pk)


def _event(
    profile: DirectoryProfile,
    kind: str,
    *,
    now: datetime,
    actor: User | None = None,
    reason: str = "",
    trigger: str = "",
) -> ProfileEvent:
    return ProfileEvent.objects.create(
        profile=profile, kind=kind, reason=reason, actor=actor, occurred_at=now, trigger=trigger
    )


def profile_hide(
    *, profile: DirectoryProfile, actor: User | None, reason: str, now: datetime | None = None
) -> DirectoryProfile:
    """Staff take the profile out of the directory until they unhide it."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired("Say why the profile is hidden; it is kept in the profile's history.")
    with transaction.atomic():
        profile = _locked(profile)
        if profile.hidden_by_staff:
            return profile
        profile.hidden_by_staff, profile.hidden_at, profile.hidden_by = True, now, actor
        profile.hidden_reason = reason
        profile.updated_at = now
        profile.save(
            update_fields=["hidden_by_staff", "hidden_at", "hidden_by", "hidden_reason", "updated_at"]
        )
        _event(profile, E.HIDDEN, now=now, actor=actor, reason=reason, trigger="staff")
        profiles_sync(provider_ids=[profile.provider_id], trigger="hidden by staff", now=now, actor=actor)
    return profile


def profile_unhide(
    *, profile: DirectoryProfile, actor: User | None, now: datetime | None = None
) -> DirectoryProfile:
    """Staff put the profile back: it goes live at once if its go-live date has come."""
    now = now or timezone.now()
    with transaction.atomic():
        profile = _locked(profile)
        if profile.is_offboarded:
            raise ProfileOffboarded(f"{profile} has left Alma; the profile cannot be listed again.")
        if not profile.hidden_by_staff:
            return profile
        profile.hidden_by_staff, profile.hidden_at, profile.hidden_by = False, None, None
        profile.hidden_reason = ""
        profile.updated_at = now
        profile.save(
            update_fields=["hidden_by_staff", "hidden_at", "hidden_by", "hidden_reason", "updated_at"]
        )
        _event(profile, E.UNHIDDEN, now=now, actor=actor, trigger="staff")
        profiles_sync(provider_ids=[profile.provider_id], trigger="unhidden by staff", now=now, actor=actor)
    profile.refresh_from_db(fields=["is_live", "went_live_at"])
    return profile


def profile_offboard(
    *, profile: DirectoryProfile, actor: User | None, reason: str, now: datetime | None = None
) -> DirectoryProfile:
    """The provider left Alma: the profile comes down for good."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired("Say why the provider is offboarded; it is kept in the profile's history.")
    with transaction.atomic():
        profile = _locked(profile)
        if profile.is_offboarded:
            return profile
        profile.offboarded_at = now
        profile.updated_at = now
        profile.save(update_fields=["offboarded_at", "updated_at"])
        _event(profile, E.OFFBOARDED, now=now, actor=actor, reason=reason, trigger="staff")
        profiles_sync(provider_ids=[profile.provider_id], trigger="offboarded", now=now, actor=actor)
    profile.refresh_from_db(fields=["is_live"])
    return profile


# ---------------------------------------------------------------------------------------------
# The provider's edits, and the review of their bio

# What the provider may change in the portal. Everything but the bio shows at once; name,
# credentials, photo, states licensed and the office come from the reviewed onboarding forms.
# Accepting new clients has its own switch (profile_accepting_set).
EDITABLE_FIELDS = (
    "specialties",
    "approaches",
    "populations",
    "languages",
    "offers_telehealth",
    "offers_in_person",
)


def profile_for(provider: Provider, *, now: datetime | None = None) -> DirectoryProfile:
    """The provider's profile, built now if their General Onboarding form is approved."""
    profile = DirectoryProfile.objects.filter(provider=provider).first()
    if profile is None:
        profiles_create_missing(now=now, provider_ids=[provider.pk])
        profile = DirectoryProfile.objects.filter(provider=provider).first()
    if profile is None:
        raise ProfileNotReady(
            "Your directory profile is built from your General Onboarding form once our team approves it."
        )
    return profile


def profile_update(
    *, provider: Provider, values: dict[str, Any], actor: User | None, now: datetime | None = None
) -> DirectoryProfile:
    """Save the provider's edits. A new bio waits for staff review; the approved one stays live."""
    now = now or timezone.now()
    with transaction.atomic():
        profile = _locked(profile_for(provider, now=now))
        if profile.is_offboarded:
            raise ProfileOffboarded("Your profile is closed because you have left Alma.")
        changed = [
            name for name in EDITABLE_FIELDS if name in values and values[name] != getattr(profile, name)
        ]
        for name in changed:
            setattr(profile, name, values[name])
        update_fields = list(changed)
        # The edited bio becomes public once approved: no bidi controls (alma/text.py).
        bio = without_bidi_controls(values.get("bio") or "").strip() if "bio" in values else None
        submitted = False
        if bio is not None:
            if bio == profile.bio.strip():
                # Back to the approved text: nothing left to review.
                if profile.bio_pending:
                    profile.bio_pending, profile.bio_pending_since, profile.bio_review_note = "", None, ""
                    update_fields += ["bio_pending", "bio_pending_since", "bio_review_note"]
            elif bio != profile.bio_pending or profile.bio_pending_since is None:
                # A new edit, or the one staff sent back submitted again.
                profile.bio_pending, profile.bio_pending_since, profile.bio_review_note = bio, now, ""
                update_fields += ["bio_pending", "bio_pending_since", "bio_review_note"]
                submitted = True
        # Saving the page is the provider's review of their profile, whether or not anything
        # changed (the dashboard's "Review your directory profile" waits for it).
        profile.reviewed_at = now
        profile.updated_at = now
        profile.save(update_fields=[*update_fields, "reviewed_at", "updated_at"])
        if not update_fields:
            _event(profile, E.REVIEWED, now=now, actor=actor, trigger="portal")
        if changed:
            _event(
                profile,
                E.EDITED,
                now=now,
                actor=actor,
                reason="Changed: " + ", ".join(changed),
                trigger="portal",
            )
        if submitted:
            _event(profile, E.BIO_SUBMITTED, now=now, actor=actor, trigger="portal")
    return profile


def profile_review_confirm(
    *, provider: Provider, actor: User | None, now: datetime | None = None
) -> DirectoryProfile:
    """The provider looked at their profile and says it is right ("Looks right" in the portal)."""
    now = now or timezone.now()
    with transaction.atomic():
        profile = _locked(profile_for(provider, now=now))
        if profile.is_offboarded:
            raise ProfileOffboarded("Your profile is closed because you have left Alma.")
        profile.reviewed_at = now
        profile.save(update_fields=["reviewed_at"])
        _event(profile, E.REVIEWED, now=now, actor=actor, trigger="portal")
    return profile


def profile_accepting_set(
    *, provider: Provider, accepting: bool, actor: User | None, now: datetime | None = None
) -> DirectoryProfile:
    """Pause or resume new-client contact: while paused the public profile says "Not accepting
    new clients right now", shows no contact form, and the "accepting" search filter skips it."""
    now = now or timezone.now()
    with transaction.atomic():
        profile = _locked(profile_for(provider, now=now))
        if profile.is_offboarded:
            raise ProfileOffboarded("Your profile is closed because you have left Alma.")
        if profile.accepting_new_clients == accepting:
            return profile
        profile.accepting_new_clients = accepting
        profile.updated_at = now
        profile.save(update_fields=["accepting_new_clients", "updated_at"])
        _event(
            profile,
            E.EDITED,
            now=now,
            actor=actor,
            reason="Resumed new-client contact" if accepting else "Paused new-client contact",
            trigger="portal",
        )
    return profile


def profile_bio_approve(
    *, profile: DirectoryProfile, reviewer: User | None, now: datetime | None = None
) -> DirectoryProfile:
    """The edited bio replaces the live one (and what free-text search finds)."""
    now = now or timezone.now()
    with transaction.atomic():
        profile = _locked(profile)
        if profile.bio_pending_since is None:
            raise NothingToReview(f"No bio edit of {profile} is waiting for review.")
        profile.bio, profile.bio_pending, profile.bio_pending_since = profile.bio_pending, "", None
        profile.bio_review_note = ""
        profile.updated_at = now
        # Writing `bio` fires the PostgreSQL trigger that rebuilds the search vector.
        profile.save(
            update_fields=["bio", "bio_pending", "bio_pending_since", "bio_review_note", "updated_at"]
        )
        _event(profile, E.BIO_APPROVED, now=now, actor=reviewer, trigger="staff")
    return profile


def profile_bio_send_back(
    *, profile: DirectoryProfile, reviewer: User | None, reason: str, now: datetime | None = None
) -> DirectoryProfile:
    """Refuse the edited bio with a reason the provider reads in the portal; the live bio stays."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired("Say what the provider should change; they read it on their profile page.")
    with transaction.atomic():
        profile = _locked(profile)
        if profile.bio_pending_since is None:
            raise NothingToReview(f"No bio edit of {profile} is waiting for review.")
        # The edit stays as the provider's draft, with the reason beside it; the live bio stays.
        profile.bio_review_note = reason
        profile.bio_pending_since = None
        profile.updated_at = now
        profile.save(update_fields=["bio_pending_since", "bio_review_note", "updated_at"])
        event = _event(profile, E.BIO_SENT_BACK, now=now, actor=reviewer, reason=reason, trigger="staff")
        # The provider hears it by email too, with the reason (key: this decision's event).
        outbox_enqueue(
            provider=profile.provider,
            kind=emails.BIO_SENT_BACK,
            now=now,
            key=f"event-{event.pk}",
            context={"reason": reason},
        )
    return profile


# ---------------------------------------------------------------------------------------------
# Directory data confirmed every 90 days (No Surprises Act; directory.reverification)


def profiles_reverification_ask(*, now: datetime | None = None) -> int:
    """Ask each live profile's provider to confirm it once its last confirmation (or go-live) is
    80 days old: one email per 90-day period, however often this runs (the key is the period's
    due date; outbox_enqueue_many skips a key already queued). Set-based: one read, one INSERT.

    Nothing on the profile changes, so no row is claimed: two runs at once queue the same keys,
    and the database keeps one of each. A profile past 90 days is asked in the same words, with
    its due date passed; it stays published (directory.reverification says why) and staff see it
    on the SLA board. Returns how many profiles are in their asking window or past it."""
    now = now or timezone.now()
    today = selectors.company_today(now)
    due = selectors.profiles_to_reverify(basis_on_or_before=reverification.ask_on_or_before(today))
    queued = [
        OutgoingEmail(
            provider_id=profile.provider_id,
            to_email=profile.email,
            kind=emails.PROFILE_REVERIFY,
            key=profile.period.outbox_key,
            context={
                "last_confirmed": day_label(profile.period.last_confirmed_on),
                "confirm_by": day_label(profile.period.due_on),
                "overdue": profile.period.standing(today) is reverification.Standing.OVERDUE,
            },
        )
        for profile in due
        if profile.period.standing(today) is not reverification.Standing.CURRENT
    ]
    with transaction.atomic():
        outbox_enqueue_many(emails=queued, now=now)
    if queued:
        logger.info("Directory reverification: %s profiles asked to confirm (or already asked)", len(queued))
    return len(queued)


# ---------------------------------------------------------------------------------------------
# The day's fair order of the public list


def profiles_fair_rank(*, today: date) -> int:
    """Write every live profile's place in `today`'s fair order (selectors.fair_rank_of), in one
    UPDATE; returns how many were ranked. The midnight job (directory.tasks.rank_profiles).

    Idempotent per day: a profile already ranked for `today` (by an earlier run, or published
    today) is left alone, so a second run writes nothing. Until it runs, search keeps the last
    ranks written: yesterday's order, stable, never a broken page. Nothing on SQLite (the demo
    hashes per request).

    The same UPDATE writes each profile's payers in network `today` (selectors.fair_rank_fields),
    so a payer whose effective date is today enters the insurance filter here, at midnight,
    before the go-live sweep's first run of the day (00:05) publishes the newly due."""
    fields = selectors.fair_rank_fields(today)
    if not fields:
        return 0
    with transaction.atomic():
        ranked = (
            selectors.live_profiles().exclude(fair_rank_on=today, fair_rank__isnull=False).update(**fields)
        )
    if ranked:
        # A new day is a new key already; a rerun the same day (a missed run, ranks repaired)
        # changes the order, so the stored page starts go.
        search_cache.directory_changed()
        logger.info("Directory: %s live profiles ranked for %s", ranked, today.isoformat())
    return ranked
