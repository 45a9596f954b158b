"""The publishing sweep's reads (issue 14): one narrow read when nothing is due, the company day's
edges without a per-row time-zone conversion, the reconciliation's full recompute in one pass, a
profile another run changed in between left alone, and the application's PostgreSQL connections
with JIT off."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alma.settings.base import with_jit_off
from directory import selectors
from directory import services as directory
from directory.models import DirectoryProfile, ProfileEvent
from tests.credentialing_factories import PayerFactory
from tests.directory_factories import Setup, bulk_providers
from tests.helpers import NEW_YORK

pytestmark = pytest.mark.django_db


def ny(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=NEW_YORK)


@pytest.mark.parametrize(
    "day",
    [
        dt.date(2026, 6, 15),
        dt.date(2026, 3, 8),  # clocks go forward in New York: a 23-hour day
        dt.date(2026, 11, 1),  # clocks go back: a 25-hour day
    ],
)
def test_training_done_in_the_last_second_of_a_company_day_counts_for_that_day(day):
    next_day = day + dt.timedelta(days=1)
    last_second = ny(day.year, day.month, day.day, 23, 59, 59)
    next_midnight = ny(next_day.year, next_day.month, next_day.day, 0, 0, 0)
    setups = [
        Setup(effective=day - dt.timedelta(days=30), contracted=day - dt.timedelta(days=60), training_at=at)
        for at in (last_second, next_midnight)
    ]
    on_time, a_second_late = bulk_providers(setups, payer=PayerFactory())

    result = directory.profiles_publish_due(
        now=ny(next_day.year, next_day.month, next_day.day, 0, 5), as_of=day, dry_run=True
    )

    assert [change.provider_id for change in result.published] == [on_time.pk]
    assert result.disagreements == []  # the SQL's day bound and the pure rule's company day agree
    assert a_second_late.pk not in {change.provider_id for change in result.changes}


def _live_providers(count: int) -> list:
    setups = [Setup(effective=dt.date(2026, 5, 1), training_at=ny(2026, 5, 2, 10)) for _ in range(count)]
    providers = bulk_providers(setups, payer=PayerFactory())
    directory.profiles_publish_due(now=ny(2026, 6, 15, 0, 5))
    return providers


def test_a_quiet_sweep_reads_the_profiles_once_and_locks_none():
    _live_providers(30)

    with CaptureQueriesContext(connection) as queries:
        result = directory.profiles_publish_due(now=ny(2026, 6, 15, 0, 7))

    assert result.changes == []
    statements = [query["sql"] for query in queries.captured_queries]
    assert not [sql for sql in statements if "FOR UPDATE" in sql]  # staff editing a profile never wait on it
    # One read of the profiles: two columns of each, from their stored go-live dates.
    [read] = [sql for sql in statements if sql.startswith('SELECT "directory_directoryprofile"')]
    assert read.split(" FROM ")[0] == (
        'SELECT "directory_directoryprofile"."id" AS "pk", '
        '"directory_directoryprofile"."is_live" AS "is_live"'
    )


def test_the_reconciliations_read_is_one_pass_over_the_profiles_with_a_hashed_lookup_of_due_providers():
    # The full recompute the nightly reconciliation runs (selectors.profiles_differing).
    _live_providers(300)

    plan = selectors.profiles_differing(as_of=dt.date(2026, 6, 15)).explain()

    # No subquery per profile (the MIN per row whose estimated cost set the JIT compiling at
    # 100,000 providers): every subplan is one hashed set built once.
    assert "(hashed SubPlan 1)" in plan
    assert "SubPlan 2" not in plan
    assert plan.count("on directory_directoryprofile") == 1


def test_a_profile_another_run_published_in_between_is_left_alone_without_a_disagreement(monkeypatch):
    setups = [
        Setup(effective=dt.date(2026, 5, 1), training_at=ny(2026, 5, 2, 10), profile=True) for _ in range(3)
    ]
    first, *others = bulk_providers(setups, payer=PayerFactory())
    read = directory.profiles_differing_by_date

    def read_then_another_run_publishes_the_first(**kwargs):
        found = list(read(**kwargs))
        DirectoryProfile.objects.filter(provider=first).update(is_live=True)
        return found

    monkeypatch.setattr(directory, "profiles_differing_by_date", read_then_another_run_publishes_the_first)
    result = directory.profiles_publish_due(now=ny(2026, 6, 15, 0, 5))

    assert {change.provider_id for change in result.published} == {p.pk for p in others}
    assert result.disagreements == []
    assert not ProfileEvent.objects.filter(profile__provider=first).exists()  # not published twice
    assert DirectoryProfile.objects.filter(is_live=True).count() == 3


def test_the_applications_database_connections_run_with_jit_off():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_jit_off_joins_the_options_a_database_url_gave_and_leaves_sqlite_alone():
    postgres = with_jit_off(
        {"ENGINE": "django.db.backends.postgresql", "OPTIONS": {"options": "-c statement_timeout=5000"}}
    )
    assert postgres["OPTIONS"]["options"] == "-c statement_timeout=5000 -c jit=off"
    assert with_jit_off({"ENGINE": "django.db.backends.postgresql"})["OPTIONS"] == {"options": "-c jit=off"}
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "OPTIONS": {"timeout": 20}}
    assert with_jit_off(sqlite) == {"ENGINE": "django.db.backends.sqlite3", "OPTIONS": {"timeout": 20}}
