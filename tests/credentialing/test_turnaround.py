"""Expected decision ranges from the portal's own history (issue 12, "Dated status for every
payer"): median and 80th percentile of submitted -> decided in business days, per payer and
practice state where there are enough decisions, else per payer, else the 45-day promise."""

import datetime as dt

import holidays
import pytest
from django.utils import timezone

from credentialing.decision_clock import MIN_DECISIONS, Basis, NextActor
from credentialing.models import ApplicationStatus, InsuranceForm, PayerApplication, PayerApplicationEvent
from credentialing.services import applications as services
from credentialing.turnaround import dated_statuses, turnaround_table, with_status_inputs
from onboarding.models import GeneralOnboarding
from tests.credentialing_factories import PayerFactory, make_application
from tests.factories import ProviderFactory
from tests.helpers import NEW_YORK

pytestmark = pytest.mark.django_db

S = ApplicationStatus
US_HOLIDAYS = holidays.country_holidays("US")
# Seeded waits, in business days: median 20; 80th percentile 22 + 0.2 * (25 - 22) = 22.6, so 23.
NY_WAITS = [18, 19, 20, 22, 25]
ROUNDS_PER_APPLICATION = 8


def business_days_after(day: dt.date, n: int) -> dt.date:
    """Counted here independently of the code under test: weekdays that are not US holidays."""
    while n:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in US_HOLIDAYS:
            n -= 1
    return day


def words(day: dt.date) -> str:
    return f"{day:%b} {day.day}"


def in_state(provider, state: str):
    GeneralOnboarding.objects.update_or_create(provider=provider, defaults={"state": state})
    return provider


def seed_history(payer, waits: list[int], *, state: str, repeat: int = 1) -> None:
    """Past decisions by `payer` for providers practising in `state`, each `wait` business days
    after its submission, as the services record them (events requested -> submitted -> denied),
    several rounds per application (a denied application requested again), all in the last year."""
    all_waits = waits * repeat
    applications = []
    for start in range(0, len(all_waits), ROUNDS_PER_APPLICATION):
        provider = in_state(ProviderFactory(), state)
        applications.append(
            (
                PayerApplication.objects.create(provider=provider, payer=payer, status=S.DENIED),
                all_waits[start : start + ROUNDS_PER_APPLICATION],
            )
        )
    events = []
    for application, rounds in applications:
        submitted_on = timezone.localdate() - dt.timedelta(days=330)
        for wait in rounds:
            submitted = dt.datetime.combine(submitted_on, dt.time(10), tzinfo=NEW_YORK)
            decided = dt.datetime.combine(
                business_days_after(submitted_on, wait), dt.time(15), tzinfo=NEW_YORK
            )
            events += [
                PayerApplicationEvent(
                    application=application,
                    from_status=S.DENIED,
                    to_status=S.REQUESTED,
                    occurred_at=submitted - dt.timedelta(hours=1),
                ),
                PayerApplicationEvent(
                    application=application,
                    from_status=S.REQUESTED,
                    to_status=S.SUBMITTED,
                    occurred_at=submitted,
                ),
                PayerApplicationEvent(
                    application=application,
                    from_status=S.SUBMITTED,
                    to_status=S.DENIED,
                    note="Panel closed",
                    occurred_at=decided,
                ),
            ]
            submitted_on = decided.date() + dt.timedelta(days=1)
    PayerApplicationEvent.objects.bulk_create(events)


def a_business_morning_days_ago(days: int) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days)
    while day.weekday() >= 5 or day in US_HOLIDAYS:
        day -= dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(9, 30), tzinfo=NEW_YORK)


@pytest.fixture
def payers(db):
    return PayerFactory(name="Aetna", slug="aetna"), PayerFactory(name="Cigna", slug="cigna")


@pytest.fixture
def history(payers):
    aetna, cigna = payers
    seed_history(aetna, NY_WAITS, state="NY")
    seed_history(aetna, [40] * MIN_DECISIONS, state="NJ")
    seed_history(cigna, [10] * (MIN_DECISIONS - 1), state="NY")  # too few to say anything


def statuses_of(provider, now=None):
    applications = list(
        with_status_inputs(PayerApplication.objects.filter(provider=provider)).select_related("payer")
    )
    found = dated_statuses(applications, now=now)
    return {application.payer.slug: found[application.pk] for application in applications}


@pytest.fixture
def waiting(payers):
    """A New York provider whose applications to both payers were submitted three days ago."""
    provider = in_state(ProviderFactory(), "NY")
    submitted_at = a_business_morning_days_ago(3)
    for payer in payers:
        make_application(provider=provider, payer=payer, status=S.SUBMITTED, submitted_at=submitted_at)
    return provider, submitted_at


@pytest.mark.parametrize("repeat", [1, 10])
def test_a_payer_with_history_gets_a_range_from_it_and_one_without_the_45_day_promise(
    history, payers, waiting, repeat, django_assert_num_queries
):
    if repeat > 1:
        aetna, _cigna = payers
        seed_history(aetna, NY_WAITS, state="NY", repeat=repeat - 1)
    provider, submitted_at = waiting
    submitted_on = submitted_at.astimezone(NEW_YORK).date()
    applications = list(
        with_status_inputs(PayerApplication.objects.filter(provider=provider)).select_related("payer")
    )
    # One query for the history, whatever its size (the applications came in one more).
    with django_assert_num_queries(1):
        found = dated_statuses(applications)
    aetna, cigna = (found[a.pk] for a in sorted(applications, key=lambda a: a.payer.name))

    assert aetna.decision is not None
    assert aetna.decision.basis == Basis.PAYER_IN_STATE
    assert aetna.decision.turnaround is not None
    assert aetna.decision.turnaround.decisions == len(NY_WAITS) * repeat
    earliest, latest = business_days_after(submitted_on, 20), business_days_after(submitted_on, 23)
    assert (aetna.decision.earliest, aetna.decision.latest) == (earliest, latest)
    # The year once, after the range; both years when it crosses New Year (whatever today is).
    first = words(earliest) if earliest.year == latest.year else f"{words(earliest)}, {earliest.year}"
    assert aetna.expected == f"Decision expected between {first} and {words(latest)}, {latest.year}"
    assert "half came within 20 business days, four in five within 23" in aetna.basis
    assert "for providers practising in NY" in aetna.basis
    assert aetna.next_actor == NextActor.PAYER
    assert not aetna.overdue

    promise = timezone.localdate(submitted_at + dt.timedelta(days=45))
    assert cigna.decision is not None
    assert cigna.decision.basis == Basis.PROMISE
    assert cigna.expected == f"Decision expected by {words(promise)}, {promise.year}"
    assert "too few past decisions by Cigna" in cigna.basis


def test_the_state_decides_which_history_applies(history, payers):
    aetna, _cigna = payers
    submitted_at = a_business_morning_days_ago(2)
    new_jersey = in_state(ProviderFactory(), "NJ")
    nowhere = ProviderFactory()  # no practice state given: every state's decisions
    for provider in (new_jersey, nowhere):
        make_application(provider=provider, payer=aetna, status=S.SUBMITTED, submitted_at=submitted_at)
    submitted_on = submitted_at.astimezone(NEW_YORK).date()

    nj = statuses_of(new_jersey)["aetna"].decision
    assert nj is not None
    assert nj.basis == Basis.PAYER_IN_STATE
    assert nj.latest == nj.earliest == business_days_after(submitted_on, 40)

    everywhere = statuses_of(nowhere)["aetna"].decision
    assert everywhere is not None
    assert everywhere.basis == Basis.PAYER
    # The ten decisions together: 18 19 20 22 25 40 40 40 40 40 -> median 32.5 (33), p80 40.
    assert (everywhere.earliest, everywhere.latest) == (
        business_days_after(submitted_on, 33),
        business_days_after(submitted_on, 40),
    )


def test_the_table_counts_business_days_across_a_holiday(payers):
    aetna, _cigna = payers
    # Submitted the Wednesday before last year's Thanksgiving, decided the Monday after: Thursday
    # is the holiday, so Friday and Monday are the two business days.
    year = timezone.localdate().year - 1
    thanksgiving = next(day for day, name in holidays.US(years=year).items() if name == "Thanksgiving Day")
    events = []
    for hour in range(9, 9 + MIN_DECISIONS):
        provider = in_state(ProviderFactory(), "NY")
        application = PayerApplication.objects.create(provider=provider, payer=aetna, status=S.DENIED)
        submitted = dt.datetime.combine(thanksgiving - dt.timedelta(days=1), dt.time(hour), tzinfo=NEW_YORK)
        decided = dt.datetime.combine(thanksgiving + dt.timedelta(days=4), dt.time(hour), tzinfo=NEW_YORK)
        events += [
            PayerApplicationEvent(
                application=application, from_status=S.REQUESTED, to_status=S.SUBMITTED, occurred_at=submitted
            ),
            PayerApplicationEvent(
                application=application, from_status=S.SUBMITTED, to_status=S.DENIED, occurred_at=decided
            ),
        ]
    PayerApplicationEvent.objects.bulk_create(events)
    table = turnaround_table(payer_ids=[aetna.pk])
    assert table.in_state[(aetna.pk, "NY")].median_days == 2
    assert table.every_state[aetna.pk].decisions == MIN_DECISIONS


def test_a_late_application_says_what_alma_is_doing(history, payers):
    provider = in_state(ProviderFactory(), "NY")
    submitted_at = a_business_morning_days_ago(60)  # past both Aetna's 23 business days and 45 days
    for payer in payers:
        make_application(provider=provider, payer=payer, status=S.SUBMITTED, submitted_at=submitted_at)
    found = statuses_of(provider)
    assert found["aetna"].overdue
    assert found["aetna"].follow_up == (
        "Past the expected date: Alma's credentialing team is following up with Aetna."
    )
    assert found["cigna"].follow_up.endswith("following up with Cigna.")


def test_reasons_and_who_acts_next(payers):
    aetna, cigna = payers
    provider = in_state(ProviderFactory(), "NY")
    make_application(provider=provider, payer=aetna, status=S.REQUESTED)
    make_application(provider=provider, payer=cigna, status=S.DENIED, reason="Panel closed in NY")
    found = statuses_of(provider)
    assert found["aetna"].next_actor == NextActor.ALMA
    assert found["aetna"].next_step == "Alma's credentialing team is preparing your application to Aetna."
    assert found["aetna"].expected == "Once we submit it, the payer decides within 45 days."
    assert found["cigna"].next_actor == NextActor.PROVIDER
    assert found["cigna"].reason == "Panel closed in NY"

    # A CAQH attestation older than 120 days: the provider acts next, whatever the status.
    InsuranceForm.objects.update_or_create(
        provider=provider, defaults={"caqh_attested_on": timezone.localdate() - dt.timedelta(days=121)}
    )
    again = statuses_of(provider)["aetna"]
    assert again.next_actor == NextActor.PROVIDER
    assert again.reason.startswith("Waiting for your CAQH attestation")


def test_a_staff_note_on_submission_is_the_reason(payers):
    aetna, _cigna = payers
    provider = in_state(ProviderFactory(), "NY")
    application = make_application(provider=provider, payer=aetna, status=S.REQUESTED)
    services.application_submit(
        application=application, actor=None, note="Sent by fax: Aetna's portal is down"
    )
    found = statuses_of(provider)["aetna"]
    assert found.reason == "Sent by fax: Aetna's portal is down"
    assert found.next_step == "Aetna is reviewing your application."
