"""The stored go-live date (issue 14: the sweep with nothing due at most half of today's time):
every input change moves `go_live_on` through the real services, the sweep publishes on the day
from it, nothing due is a probe of two partial indexes in a bounded number of queries, and the
nightly reconciliation repairs a wrong date and says so."""

import datetime as dt
import logging

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from credentialing.models import PayerApplication
from credentialing.services import applications as credentialing
from directory import services as directory
from directory.models import DirectoryProfile, ProfileEvent
from directory.tasks import reconcile_go_live
from onboarding.models import GeneralOnboarding
from portal.services.provider_details import provider_details_correct
from tests.credentialing_factories import PayerFactory, make_application
from tests.directory_factories import Setup, bulk_providers, committed, ready_provider
from tests.helpers import NEW_YORK, staff_user

pytestmark = pytest.mark.django_db

E = ProfileEvent.Kind
TODAY = dt.date(2026, 6, 15)


def ny(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=NEW_YORK)


def stored(provider) -> dt.date | None:
    return DirectoryProfile.objects.values_list("go_live_on", flat=True).get(provider=provider)


@pytest.fixture
def noon():
    """The clock at noon on TODAY in New York (never the real date)."""
    with time_machine.travel(ny(2026, 6, 15, 12), tick=False) as traveller:
        yield traveller


def trained_and_approved(*, effective, contracted=dt.date(2026, 5, 1)):
    return ready_provider(
        effective=effective, trained_at=ny(2026, 5, 2, 10), contracted_start_date=contracted
    )


# --- every input moves the stored date ----------------------------------------------------------


def test_training_done_gives_the_profile_its_date_and_publishes_it(noon):
    from training.services import quiz_mark_passed, webinar_mark_watched  # noqa: PLC0415

    provider = ready_provider(effective=dt.date(2026, 6, 1), contracted_start_date=dt.date(2026, 5, 1))
    directory.profiles_create_missing()
    assert stored(provider) is None  # training not done: blocked
    with committed():
        webinar_mark_watched(provider=provider)
    assert stored(provider) is None  # the quiz still to do
    with committed():
        quiz_mark_passed(provider=provider)
    assert stored(provider) == TODAY  # the training day came last
    assert DirectoryProfile.objects.get(provider=provider).is_live


def test_an_approval_sets_the_date_to_the_effective_date_and_a_withdrawal_clears_it(noon):
    provider = ready_provider(
        effective=None, trained_at=ny(2026, 5, 2, 10), contracted_start_date=dt.date(2026, 5, 1)
    )
    directory.profiles_create_missing()
    assert stored(provider) is None  # no approved payer
    application = make_application(provider=provider, payer=PayerFactory(), status="submitted")
    with committed():
        credentialing.application_approve(
            application=application, effective_date=dt.date(2026, 7, 1), actor=None
        )
    assert stored(provider) == dt.date(2026, 7, 1)  # effective later: waits for that day

    with committed():
        credentialing.application_withdraw(
            application=PayerApplication.objects.get(pk=application.pk), actor=None
        )
    assert stored(provider) is None


def test_a_corrected_contracted_start_moves_the_date_and_takes_a_live_profile_down(noon):
    support = staff_user("support@alma.test", "view_provider", "change_provider")
    provider = trained_and_approved(effective=dt.date(2026, 6, 1))
    assert stored(provider) == dt.date(2026, 6, 1)
    assert DirectoryProfile.objects.get(provider=provider).is_live

    with committed():
        provider_details_correct(
            provider=provider,
            actor=support,
            contracted_start_date=dt.date(2026, 8, 3),
            reason="Start moved by the practice",
        )
    assert stored(provider) == dt.date(2026, 8, 3)
    assert not DirectoryProfile.objects.get(provider=provider).is_live


def test_hiding_clears_the_date_unhiding_restores_it_and_offboarding_clears_it_for_good(noon, staff):
    provider = trained_and_approved(effective=dt.date(2026, 6, 1))
    profile = DirectoryProfile.objects.get(provider=provider)

    directory.profile_hide(profile=profile, actor=staff, reason="Photo under review")
    assert stored(provider) is None
    directory.profile_unhide(profile=profile, actor=staff)
    assert stored(provider) == dt.date(2026, 6, 1)
    directory.profile_offboard(profile=profile, actor=staff, reason="Left the practice")
    assert stored(provider) is None
    assert not DirectoryProfile.objects.get(provider=provider).is_live


# --- the sweep publishes on the day -------------------------------------------------------------


def test_the_sweep_publishes_on_the_stored_day_and_not_the_evening_before():
    with time_machine.travel(ny(2026, 6, 15, 12), tick=False):
        provider = trained_and_approved(effective=dt.date(2026, 6, 20))
    assert stored(provider) == dt.date(2026, 6, 20)

    with time_machine.travel(ny(2026, 6, 19, 23, 59), tick=False):
        assert directory.profiles_publish_due().changes == []
    with time_machine.travel(ny(2026, 6, 20, 0, 5), tick=False):
        result = directory.profiles_publish_due()
    assert [change.provider_id for change in result.published] == [provider.pk]
    [published] = ProfileEvent.objects.filter(profile__provider=provider, kind=E.PUBLISHED)
    assert (published.trigger, published.go_live_on) == ("scheduled sweep", dt.date(2026, 6, 20))


# --- nothing due: a bounded probe of the partial indexes ----------------------------------------


def _live(count: int) -> list:
    setups = [Setup(effective=dt.date(2026, 5, 1), training_at=ny(2026, 5, 2, 10)) for _ in range(count)]
    # and as many waiting for a later day, or blocked: the rows a recompute would read
    setups += [Setup(effective=dt.date(2026, 9, 1), training_at=ny(2026, 5, 2, 10)) for _ in range(count)]
    setups += [Setup(effective=None, training_at=None) for _ in range(count)]
    providers = bulk_providers(setups, payer=PayerFactory())
    directory.profiles_publish_due(now=ny(2026, 6, 15, 0, 5))
    return providers


@pytest.mark.parametrize("count", [30, 300])
def test_a_sweep_with_nothing_due_costs_four_queries_at_any_size(count, django_assert_num_queries):
    _live(count)
    # Is a profile missing (1), the probe of the stored dates (1), in a savepoint (2).
    with django_assert_num_queries(4):
        result = directory.profiles_publish_due(now=ny(2026, 6, 15, 0, 7))
    assert result.changes == []
    assert DirectoryProfile.objects.filter(is_live=True).count() == count


def _mixed(count: int) -> list[Setup]:
    due = Setup(effective=dt.date(2026, 5, 1), training_at=ny(2026, 5, 2, 10))
    due_with_profile = Setup(effective=dt.date(2026, 5, 1), training_at=ny(2026, 5, 2, 10), profile=True)
    live_no_payer = Setup(effective=None, training_at=ny(2026, 5, 2, 10), live=True)
    return [setup for _ in range(count) for setup in (due, due_with_profile, live_no_payer)]


@pytest.mark.parametrize("count", [10, 100])
def test_a_sweep_with_changes_costs_thirteen_queries_at_any_size(
    count, django_assert_num_queries, django_capture_on_commit_callbacks
):
    bulk_providers(_mixed(count), payer=PayerFactory())
    # Build (3) with dates (1), the hold-back question (1), the probe (1), lock with inputs (1),
    # publish (1), unpublish (1), events (1), emails (1), savepoint (2).
    with django_capture_on_commit_callbacks(), django_assert_num_queries(13):
        result = directory.profiles_publish_due(now=ny(2026, 6, 15, 0, 5))
    assert (result.created, len(result.published), len(result.unpublished)) == (count, 2 * count, count)


def test_the_probe_reads_the_two_partial_indexes_at_a_seeded_size():
    _live(700)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE directory_directoryprofile")

    plan = directory.profiles_differing_by_date(as_of=TODAY).explain()

    assert "directory_profile_going_live" in plan
    assert "directory_profile_coming_down" in plan
    assert "Seq Scan" not in plan


def test_the_sweep_reads_no_inputs_and_locks_nothing_when_nothing_is_due():
    _live(30)
    with CaptureQueriesContext(connection) as queries:
        directory.profiles_publish_due(now=ny(2026, 6, 15, 0, 7))
    statements = [query["sql"] for query in queries.captured_queries]
    assert not [sql for sql in statements if "FOR UPDATE" in sql]
    assert not [sql for sql in statements if "credentialing_payerapplication" in sql]


def test_the_sweep_looks_for_missing_profiles_among_forms_approved_lately_only():
    _live(700)
    # Approved weeks ago, as almost every provider is at national scale.
    GeneralOnboarding.objects.update(reviewed_at=ny(2026, 5, 1, 9))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE onboarding_generalonboarding")

    with CaptureQueriesContext(connection) as queries:
        directory.profiles_publish_due(now=ny(2026, 6, 15, 0, 7))
    [missing] = [q["sql"] for q in queries.captured_queries if "onboarding_generalonboarding" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {missing}")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "general_onboarding_approved" in plan
    assert "Seq Scan on onboarding_generalonboarding" not in plan


def test_a_profile_a_failed_build_left_missing_is_built_by_the_sweep_if_approved_lately_else_that_night():
    lately, long_ago = bulk_providers(
        [Setup(effective=dt.date(2026, 5, 1), training_at=ny(2026, 5, 2, 10)) for _ in range(2)],
        payer=PayerFactory(),
    )
    # Approved with no profile built (the receivers' build failed, or rows written by hand).
    GeneralOnboarding.objects.filter(provider=lately).update(reviewed_at=ny(2026, 6, 13, 9))
    GeneralOnboarding.objects.filter(provider=long_ago).update(reviewed_at=ny(2026, 5, 1, 9))

    result = directory.profiles_publish_due(now=ny(2026, 6, 15, 0, 5))

    assert result.created == 1
    assert [change.provider_id for change in result.published] == [lately.pk]
    assert not DirectoryProfile.objects.filter(provider=long_ago).exists()

    with time_machine.travel(ny(2026, 6, 15, 3, 30), tick=False):
        outcome = reconcile_go_live()

    assert outcome["published"] == 1
    assert DirectoryProfile.objects.get(provider=long_ago).is_live


# --- a wrong stored date: the sweep never publishes on it; the reconciliation repairs it --------


def test_the_sweep_repairs_a_date_the_rule_contradicts_and_publishes_nothing_on_it(caplog):
    [untrained] = bulk_providers([Setup(effective=dt.date(2026, 5, 1), profile=True)], payer=PayerFactory())
    DirectoryProfile.objects.filter(provider=untrained).update(go_live_on=dt.date(2026, 6, 1))

    with caplog.at_level(logging.WARNING, logger="directory.services"):
        result = directory.profiles_publish_due(now=ny(2026, 6, 15, 0, 5))

    assert result.changes == []
    assert result.dates_repaired == [DirectoryProfile.objects.get(provider=untrained).pk]
    assert stored(untrained) is None
    assert "1 stored go-live date(s) contradicted the rule and were repaired" in caplog.text


def test_the_reconciliation_repairs_and_logs_wrong_dates_and_publishes_what_the_sweep_missed(caplog):
    right, moved, missed = bulk_providers(
        [
            Setup(effective=dt.date(2026, 5, 1), training_at=ny(2026, 5, 2, 10)),
            Setup(effective=dt.date(2026, 5, 1), training_at=ny(2026, 5, 2, 10)),
            Setup(effective=dt.date(2026, 5, 1), training_at=None),
        ],
        payer=PayerFactory(),
    )
    directory.profiles_publish_due(now=ny(2026, 6, 15, 0, 5))
    # A date moved by hand, and training recorded behind the services' back (no signal).
    DirectoryProfile.objects.filter(provider=moved).update(go_live_on=dt.date(2026, 5, 20))
    from training.models import TrainingProgress  # noqa: PLC0415

    TrainingProgress.objects.create(
        provider=missed, webinar_completed_at=ny(2026, 6, 15, 1), quiz_passed_at=ny(2026, 6, 15, 2)
    )
    assert directory.profiles_publish_due(now=ny(2026, 6, 15, 3, 0)).changes == []  # the sweep cannot see it

    with time_machine.travel(ny(2026, 6, 15, 3, 30), tick=False), caplog.at_level(logging.WARNING):
        outcome = reconcile_go_live()

    assert outcome == {"dates_repaired": 2, "published": 1, "unpublished": 0}
    assert stored(moved) == dt.date(2026, 5, 2)
    assert stored(missed) == TODAY
    assert stored(right) == dt.date(2026, 5, 2)
    assert DirectoryProfile.objects.get(provider=missed).is_live
    [warning] = [r for r in caplog.records if "reconciliation" in r.getMessage()]
    assert warning.levelno == logging.WARNING
    assert (
        "2 stored go-live date(s) disagreed with their inputs and were repaired (1 set, 0 cleared, 1 moved"
        in (warning.getMessage())
    )
    assert "published 1 and took down 0 that the sweep had missed" in warning.getMessage()
    [event] = ProfileEvent.objects.filter(profile__provider=missed, kind=E.PUBLISHED)
    assert event.trigger == "nightly reconciliation"


def test_a_healthy_night_repairs_nothing_and_logs_no_warning(caplog):
    _live(20)
    with time_machine.travel(ny(2026, 6, 15, 3, 30), tick=False), caplog.at_level(logging.INFO):
        result = directory.profiles_go_live_reconcile()
    assert (result.dates_repaired, result.missed_changes) == (0, 0)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "every stored date and profile agreed" in caplog.text


def test_the_migration_fills_the_same_dates_the_services_write():
    from importlib import import_module  # noqa: PLC0415

    migration = import_module("directory.migrations.0008_profile_go_live_on")
    setups = [
        Setup(effective=dt.date(2026, 5, 1), training_at=ny(2026, 5, 2, 10), profile=True),
        Setup(
            effective=dt.date(2026, 5, 1),
            contracted=dt.date(2026, 7, 1),
            training_at=ny(2026, 5, 2, 10),
            profile=True,
        ),
        Setup(effective=dt.date(2026, 5, 1), training_at=ny(2026, 6, 14, 23, 30), profile=True),  # NY evening
        Setup(effective=None, training_at=ny(2026, 5, 2, 10), profile=True),
        Setup(effective=dt.date(2026, 5, 1), training_at=None, profile=True),
        Setup(effective=dt.date(2026, 5, 1), training_at=ny(2026, 5, 2, 10), hidden=True),
        Setup(effective=dt.date(2026, 5, 1), training_at=ny(2026, 5, 2, 10), offboarded=True),
        Setup(
            effective=dt.date(2026, 5, 1), training_at=ny(2026, 5, 2, 10), form_approved=False, profile=True
        ),
    ]
    providers = bulk_providers(setups, payer=PayerFactory())
    written = dict(DirectoryProfile.objects.values_list("provider_id", "go_live_on"))
    DirectoryProfile.objects.update(go_live_on=None)

    migration.fill_go_live_on(apps, None)

    assert dict(DirectoryProfile.objects.values_list("provider_id", "go_live_on")) == written
    assert [written[p.pk] for p in providers] == [
        dt.date(2026, 5, 2),
        dt.date(2026, 7, 1),
        dt.date(2026, 6, 14),
        None,
        None,
        None,
        None,
        None,
    ]
