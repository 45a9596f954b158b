"""Publishing sweep benchmark (not a test): the directory's every-few-minutes job at 100k providers.

    .venv/bin/python benchmarks/sweep_benchmark.py                       # about 6 minutes at 100k
    .venv/bin/python benchmarks/sweep_benchmark.py --providers 10000 --rounds 3 --keep

It creates its own PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/alma_bench_sweep; dropped and created again, dropped at the end
unless --keep), migrates it and loads --providers providers with COPY (benchmarks/_dataset.py:
about 57 % due to go live, none live yet). Then three cases, each measured A B A B over the rounds:

- first-run backlog: every due profile goes live at once (about 57,000 at 100k), rolled back each
  round (and the table vacuumed, so no round reads the dead rows of the one before);
- nothing due: after that first run is committed, the run every few minutes finds nothing;
- 200 due: an ordinary night, 200 live profiles set back to not live in each round, rolled back.

In each case it runs:

- "sweep": `directory.services.profiles_publish_due` as the application runs it every two
  minutes: the profiles to change found from their stored go-live dates (an index probe of
  directory_profile_going_live and directory_profile_coming_down), JIT off on its connection
  (alma/settings/base.py);
- "today's": the same service with the code and configuration before issue 14: every profile's
  go-live inputs read in one statement (kept below as `before_*`, run through the service's
  recompute path), JIT on;
- "hand SQL (dates)", the sweep's baseline: the same change written by hand as one UPDATE of
  is_live on the stored dates, through the same two expression indexes: no events, no emails, no
  per-row check against the pure rule. Its row count is checked against the sweep's;
- "hand SQL (inputs)", today's baseline: one UPDATE of is_live computed from the inputs (the due
  providers' ids in a subquery, every profile compared against them).

With nothing due, also the levers apart and the nightly work: today's statement with JIT off; the
recompute over every profile's inputs as the application has it (`recompute=True`: the narrow
read, JIT off); and the whole nightly reconciliation (`profiles_go_live_reconcile`: every stored
date recomputed, then that recompute). It prints the planner's estimated cost of the statements
beside jit_above_cost, then a Markdown table of ratios (median, min-max over the rounds, N), the
median times beside them as context only. The target (issue 14): with nothing due, sweep /
today's <= 0.5.

Sending the emails is the outbox's cost, not measured here (the request to the worker after
commit is switched off); queuing them in the outbox is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import (  # noqa: E402
    alternate,
    check,
    drop_database,
    out,
    ratios,
    recreate_database,
    table,
)
from benchmarks._dataset import load_directory  # noqa: E402

ORDINARY_NIGHT = 200
# Every run is "now" as of the script's start: a run that crosses midnight in the company time
# zone would otherwise see more profiles come due halfway through.
STARTED_AT = datetime.now(UTC)
TARGET = 0.5  # issue 14: nothing due, the sweep at most half of today's time


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--providers", type=int, default=100_000, help="providers (default 100,000)")
    parser.add_argument(
        "--rounds", type=int, default=5, help="rounds of 'nothing due' and '200 due' (default 5, at least 3)"
    )
    parser.add_argument(
        "--backlog-rounds",
        type=int,
        default=3,
        help="rounds of the first-run backlog (default 3, at least 3)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args()
    args.rounds = max(3, args.rounds)
    args.backlog_rounds = max(3, args.backlog_rounds)
    return args


# ---------------------------------------------------------------------------------------------
# Today's code, before issue 14: kept here as the "before" the sweep is compared with


def before_profiles_to_change(*, as_of: date, provider_ids=None):
    """The sweep's one statement before: every profile with its go-live inputs joined, compared
    with a CASE that converted each training moment to a company day. The planner expected half
    the profiles to change, and its estimated cost (a MIN per row) set the JIT compiling."""
    from django.db.models import BooleanField, Case, F, Q, Value, When  # noqa: PLC0415

    from credentialing.models import PayerApplication  # noqa: PLC0415
    from credentialing.selectors import in_effect_on  # noqa: PLC0415
    from directory import selectors  # noqa: PLC0415
    from directory.models import DirectoryProfile  # noqa: PLC0415
    from onboarding.models import ReviewStatus  # noqa: PLC0415

    in_effect = PayerApplication.objects.filter(in_effect_on(as_of)).values("provider_id")
    is_due = Case(
        When(
            Q(
                provider__general_onboarding__status=ReviewStatus.APPROVED,
                hidden_by_staff=False,
                offboarded_at__isnull=True,
                provider__contracted_start_date__lte=as_of,
                training_on__lte=as_of,
                provider_id__in=in_effect,
            ),
            then=Value(True),
        ),
        default=Value(False),
        output_field=BooleanField(),
    )
    profiles = DirectoryProfile.objects.all()
    if provider_ids is not None:
        profiles = profiles.filter(provider_id__in=provider_ids)
    return (
        selectors.with_go_live_inputs(profiles)
        .annotate(email=F("provider__user__email"))
        .alias(is_due=is_due)
        .exclude(is_live=F("is_due"))
        .order_by("pk")
        .values(*selectors.CHANGE_FIELDS)
    )


def before_profiles_create_missing(*, now=None, provider_ids=None, approved_since=None) -> int:
    """The missing-profile query before: a LEFT JOIN of every profile's (wide) row over every
    approved form (`approved_since`, today's window, did not exist). The data set has a profile
    for every approved form, so it finds none, as the real one does (checked)."""
    from directory import services  # noqa: PLC0415
    from onboarding.models import Provider, ReviewStatus  # noqa: PLC0415

    missing = Provider.objects.filter(
        general_onboarding__status=ReviewStatus.APPROVED, directory_profile__isnull=True
    )
    if provider_ids is not None:
        missing = missing.filter(pk__in=list(provider_ids))
    found = list(
        missing.select_related("general_onboarding").order_by("pk").filter(pk__gt=0)[: services.CREATE_BATCH]
    )
    check(not found, "the data set has providers without a profile; the 'before' code does not build them")
    return 0


def set_jit(on: bool) -> None:
    from django.db import connection  # noqa: PLC0415

    with connection.cursor() as cursor:
        cursor.execute(f"SET jit = {'on' if on else 'off'}")


@contextmanager
def configured(*, todays_query: bool, jit: bool):
    """Run the service with today's statement in place of the recompute's read (or not), JIT on
    or off (the application's connection has it off: alma/settings/base.py)."""
    from directory import selectors, services  # noqa: PLC0415

    saved = selectors.profiles_to_change, services.profiles_create_missing
    if todays_query:
        selectors.profiles_to_change = before_profiles_to_change
        services.profiles_create_missing = before_profiles_create_missing
    set_jit(jit)
    try:
        yield
    finally:
        selectors.profiles_to_change, services.profiles_create_missing = saved
        set_jit(False)


# ---------------------------------------------------------------------------------------------
# The baseline: the same change, by hand, in one statement


HAND_SQL = """
UPDATE directory_directoryprofile AS profile
   SET is_live = NOT profile.is_live,
       went_live_at = CASE WHEN profile.is_live THEN profile.went_live_at ELSE %(now)s END,
       updated_at = %(now)s
 WHERE profile.is_live <> (
       NOT profile.hidden_by_staff AND profile.offboarded_at IS NULL AND profile.provider_id IN (
           SELECT provider.id
             FROM onboarding_provider AS provider
             JOIN onboarding_generalonboarding AS form ON form.provider_id = provider.id
             JOIN training_trainingprogress AS training ON training.provider_id = provider.id
            WHERE form.status = 'approved'
              AND provider.contracted_start_date <= %(as_of)s
              AND training.webinar_completed_at < %(next_day)s
              AND training.quiz_passed_at < %(next_day)s
              AND provider.id IN (SELECT provider_id FROM credentialing_payerapplication
                                   WHERE status = 'approved' AND effective_date <= %(as_of)s)))
"""


# The stored dates' change by hand: the two expressions are the indexes' own (directory 0008),
# written as PostgreSQL prints them, so the planner matches them to directory_profile_going_live
# and directory_profile_coming_down.
HAND_SQL_DATES = """
UPDATE directory_directoryprofile AS profile
   SET is_live = NOT profile.is_live,
       went_live_at = CASE WHEN profile.is_live THEN profile.went_live_at ELSE %(now)s END,
       updated_at = %(now)s
 WHERE (CASE WHEN (NOT profile.is_live) THEN profile.go_live_on ELSE NULL::date END) <= %(as_of)s
    OR (CASE WHEN profile.is_live THEN COALESCE(profile.go_live_on, '9999-12-31'::date)
             ELSE NULL::date END) > %(as_of)s
"""


def hand_update(sql: str) -> int:
    from django.db import connection  # noqa: PLC0415

    from directory import selectors  # noqa: PLC0415

    now = STARTED_AT
    as_of = selectors.company_today(now)
    next_day = selectors._company_midnight(as_of + timedelta(days=1))  # the rule's day bound
    with connection.cursor() as cursor:
        cursor.execute(sql, {"now": now, "as_of": as_of, "next_day": next_day})
        return cursor.rowcount


# ---------------------------------------------------------------------------------------------
# Measuring


class Rollback(Exception):
    pass


def vacuum_profiles() -> None:
    """A rolled-back run over the backlog leaves tens of thousands of dead row versions: vacuum
    them away (not measured) so the next measure reads the same table."""
    from django.db import connection  # noqa: PLC0415

    with connection.cursor() as cursor:
        cursor.execute("VACUUM directory_directoryprofile, directory_profileevent, onboarding_outboxemail")


def timed_run(action, *, prepare=None, rollback: bool, after=None) -> tuple[float, object]:
    """Seconds `action()` took (after `prepare()`, unmeasured), in a transaction rolled back when
    asked; then `after()`, unmeasured."""
    from django.db import transaction  # noqa: PLC0415

    result, elapsed = None, 0.0
    try:
        with transaction.atomic():
            if prepare:
                prepare()
            started = time.perf_counter()
            result = action()
            elapsed = time.perf_counter() - started
            if rollback:
                raise Rollback
    except Rollback:
        pass
    if after:
        after()
    return elapsed, result


def changes(result) -> int:
    return len(result.changes)


def sweep_measures(*, expect: int, prepare=None, rollback: bool, after=None, levers: bool = False) -> dict:
    """The measures of one case: each returns its seconds and checks what it changed."""
    from directory import services  # noqa: PLC0415

    def sweep(*, todays_query: bool, jit: bool, recompute: bool):
        def measure() -> float:
            with configured(todays_query=todays_query, jit=jit):
                elapsed, result = timed_run(
                    lambda: services.profiles_publish_due(now=STARTED_AT, recompute=recompute),
                    prepare=prepare,
                    rollback=rollback,
                    after=after,
                )
            check(changes(result) == expect, f"expected {expect} changes, the sweep made {changes(result)}")
            check(not result.disagreements, f"SQL and rule disagreed on {len(result.disagreements)} profiles")
            return elapsed

        return measure

    def reconciliation() -> float:
        elapsed, found = timed_run(
            lambda: services.profiles_go_live_reconcile(now=STARTED_AT),
            prepare=prepare,
            rollback=rollback,
            after=after,
        )
        check(not found.dates_repaired, f"the reconciliation repaired {found.dates_repaired} stored dates")
        check(
            changes(found.publish) == expect, f"expected {expect} changes, it made {changes(found.publish)}"
        )
        return elapsed

    def hand(sql: str):
        def measure() -> float:
            elapsed, count = timed_run(lambda: hand_update(sql), prepare=prepare, rollback=True, after=after)
            check(count == expect, f"expected {expect} rows changed by hand, got {count}")
            return elapsed

        return measure

    measures = {
        "today's": sweep(todays_query=True, jit=True, recompute=True),
        "sweep": sweep(todays_query=False, jit=False, recompute=False),
    }
    if levers:
        measures["today's query, JIT off"] = sweep(todays_query=True, jit=False, recompute=True)
        measures["recompute, JIT off"] = sweep(todays_query=False, jit=False, recompute=True)
        measures["nightly reconciliation"] = reconciliation
    measures["hand SQL (dates)"] = hand(HAND_SQL_DATES)
    measures["hand SQL (inputs)"] = hand(HAND_SQL)
    return measures


def estimated_cost(queryset) -> float:
    plan = json.loads(queryset.explain(format="json"))
    return plan[0]["Plan"]["Total Cost"]


def print_costs(as_of: date) -> None:
    from django.db import connection  # noqa: PLC0415

    from directory import selectors, services  # noqa: PLC0415

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit_above_cost")
        threshold = float(cursor.fetchone()[0])
    before = estimated_cost(before_profiles_to_change(as_of=as_of))
    narrow = estimated_cost(selectors.profiles_differing(as_of=as_of))
    by_date = services.profiles_differing_by_date(as_of=as_of)
    plan = by_date.explain()
    check("directory_profile_going_live" in plan and "directory_profile_coming_down" in plan,
          f"the sweep's read does not probe the two go-live indexes:\n{plan}")  # fmt: skip
    out(f"Planner's estimated cost (JIT compiles above {threshold:,.0f}): today's statement {before:,.0f};")
    out(f"  the recompute's narrow read {narrow:,.0f}; the sweep's read on the stored dates")
    out(f"  {estimated_cost(by_date):,.0f} (an index probe of both go-live indexes, checked in its plan)")


def ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:,.0f}"


def case_rows(case: str, by_measure: dict[str, list[float]]) -> list[list[object]]:
    """The table's rows of one case: each measure over its baseline of the same rounds."""
    todays = by_measure["today's"]
    by_dates, by_inputs = by_measure["hand SQL (dates)"], by_measure["hand SQL (inputs)"]
    pairs = [("sweep", "today's", todays)]
    if "today's query, JIT off" in by_measure:
        pairs += [
            ("today's query, JIT off", "today's", todays),
            ("recompute, JIT off", "today's", todays),
            ("nightly reconciliation", "today's", todays),
        ]
    pairs += [("sweep", "hand SQL (dates)", by_dates), ("today's", "hand SQL (inputs)", by_inputs)]
    if "recompute, JIT off" in by_measure:
        pairs += [("recompute, JIT off", "hand SQL (inputs)", by_inputs)]
    return [
        [
            case,
            f"{name} / {baseline_name}",
            ratios(by_measure[name], baseline),
            ms(by_measure[name]),
            ms(baseline),
        ]
        for name, baseline_name, baseline in pairs
    ]


def main() -> None:  # noqa: PLR0915 - one script, read top to bottom
    args = parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/alma_bench_sweep")
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_DEBUG"] = "false"  # no query log growing in memory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alma.settings.local")
    total = time.perf_counter()
    out(f"Benchmark database: {url} (recreated)")
    recreate_database(url)
    try:
        import django  # noqa: PLC0415

        django.setup()
        from django.core.management import call_command  # noqa: PLC0415
        from django.db import connection  # noqa: PLC0415

        from directory import selectors, services  # noqa: PLC0415
        from directory.models import DirectoryProfile  # noqa: PLC0415
        from onboarding.services import outbox  # noqa: PLC0415

        outbox._request_sweep = lambda: None  # sending is the outbox's cost, not measured here
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            check(cursor.fetchone()[0] == "off", "the application's connection should run with JIT off")

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        out(f"Migrated in {time.perf_counter() - started:.1f} s")
        rng = random.Random(6)  # noqa: S311 - repeatable data, not secrets
        started = time.perf_counter()
        today = selectors.company_today(STARTED_AT)
        loaded = load_directory(args.providers, today, rng)
        services.profiles_go_live_write()  # COPY-loaded rows carry no stored go-live date yet
        due = len(selectors.profiles_differing(as_of=today))
        check(
            len(services.profiles_differing_by_date(as_of=today)) == due,
            "the stored go-live dates and the inputs disagree on what is due",
        )
        out(
            f"Loaded {loaded['providers']:,} providers, {loaded['applications']:,} payer applications, "
            f"{DirectoryProfile.objects.count():,} profiles (none live, {due:,} due) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        print_costs(today)
        rows = []
        figures: dict[str, dict[str, list[float]]] = {}

        out(f"\nFirst-run backlog: {due:,} profiles go live, rolled back ({args.backlog_rounds} rounds) ...")
        figures["backlog"] = alternate(
            args.backlog_rounds, sweep_measures(expect=due, rollback=True, after=vacuum_profiles)
        )

        started = time.perf_counter()
        result = services.profiles_publish_due(now=STARTED_AT)
        out(
            f"First run committed: {len(result.published):,} published "
            f"in {time.perf_counter() - started:.1f} s"
        )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does after a change this size
        live = list(DirectoryProfile.objects.filter(is_live=True).values_list("pk", flat=True))

        out(f"Nothing due ({args.rounds} rounds) ...")
        figures["nothing due"] = alternate(args.rounds, sweep_measures(expect=0, rollback=False, levers=True))

        out(f"{ORDINARY_NIGHT} due ({args.rounds} rounds) ...")
        tonight: list[int] = []

        def set_back() -> None:
            DirectoryProfile.objects.filter(pk__in=tonight).update(is_live=False)

        night = sweep_measures(expect=ORDINARY_NIGHT, prepare=set_back, rollback=True)
        results: dict[str, list[float]] = {name: [] for name in night}
        for _ in range(args.rounds):
            tonight[:] = rng.sample(live, ORDINARY_NIGHT)  # the same 200 for every measure of a round
            for name, measure in night.items():
                results[name].append(measure())
        figures[f"{ORDINARY_NIGHT} due"] = results

        for case, by_measure in figures.items():
            rows.extend(case_rows(case, by_measure))
        out()
        out(f"Publishing sweep at {args.providers:,} providers ({len(live):,} live after the first run)")
        out()
        table(["case", "measure / baseline", "ratio (median, min-max, N)", "measure ms", "baseline ms"], rows)
        target = ratios(figures["nothing due"]["sweep"], figures["nothing due"]["today's"])
        out()
        verdict = "met" if target.median <= TARGET else "NOT met"
        out(f"Target: nothing due, sweep / today's <= {TARGET:.2f}: {target.median:.2f} ({verdict}; "
            f"worst round {max(target.values):.2f})")  # fmt: skip
        out("today's = the code before issue 14 with JIT on; sweep = what the application runs every two")
        out("minutes (the stored go-live dates, JIT off); recompute = the same over every profile's inputs,")
        out("as the nightly reconciliation runs it after rechecking every date; hand SQL = one UPDATE of")
        out("is_live by hand, on the stored dates or from the inputs, no events or emails. ms = medians,")
        out("context only: the ratios are the figures.")
    finally:
        from django.db import connections  # noqa: PLC0415

        connections.close_all()
        if not args.keep:
            drop_database(url)
    out(f"\nTotal {time.perf_counter() - total:.0f} s")


if __name__ == "__main__":
    main()
