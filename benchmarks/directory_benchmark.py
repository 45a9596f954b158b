"""Directory benchmark (not a test): how fast public search and the publishing sweep are at scale.

    .venv/bin/python benchmarks/directory_benchmark.py            # about two minutes
    .venv/bin/python benchmarks/directory_benchmark.py --providers 20000 --repeat 10 --keep

It creates its own PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/alma_bench_directory; dropped and created again, dropped at the end
unless --keep), migrates it, and loads --providers providers (default 100,000) in mixed
states with COPY: about half are due to go live (approved form, an approved payer in effect,
training done, contracted start passed, neither hidden nor offboarded). Then it prints:

- the publishing sweep over all of them: the first run, which publishes about 50,000
  profiles (run --repeat times, each rolled back), and the nightly run once they are live
  (nothing left to change);
- p50/p95 of typical public searches over the (about) 50,000 live profiles, each a full request
  through Django (view, queries, template), with varied filters and words per run;
- the profile page.

Emails are queued in the outbox as in production; sending them is the outbox's cost, not
measured here (the on-commit delivery request is switched off).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import check, drop_database, out, recreate_database  # noqa: E402
from benchmarks._dataset import LAST, STATES, load_directory  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--providers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs of the publishing sweep (default 5)")
    parser.add_argument("--searches", type=int, default=40, help="runs of each search (default 40)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    return parser.parse_args()


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed(samples: list[float]) -> str:
    ms = [s * 1000 for s in samples]
    return f"p50 {percentile(ms, 0.5):8.1f} ms   p95 {percentile(ms, 0.95):8.1f} ms   (n={len(ms)})"


# ---------------------------------------------------------------------------------------------
# Loading


# ---------------------------------------------------------------------------------------------
# Measuring


def bench_sweep(repeat: int) -> None:
    from django.db import connection, transaction  # noqa: PLC0415

    from directory import services  # noqa: PLC0415

    samples, published = [], 0
    for _ in range(repeat):
        with transaction.atomic():
            started = time.perf_counter()
            result = services.profiles_publish_due()
            samples.append(time.perf_counter() - started)
            published = len(result.published)
            transaction.set_rollback(True)
    out(f"  {f'first run: publishes {published:,} (rolled back each time)':<56} {timed(samples)}")
    started = time.perf_counter()
    result = services.profiles_publish_due()
    out(
        f"  first run, committed: {time.perf_counter() - started:.2f} s ({len(result.published):,} published)"
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # what autovacuum does after a change this size
    samples = []
    for _ in range(max(repeat, 5)):
        started = time.perf_counter()
        result = services.profiles_publish_due()
        samples.append(time.perf_counter() - started)
        check(not result.changes, "a second run changed something")
    out(f"  {'a run with nothing to change (every few minutes)':<56} {timed(samples)}")
    from directory.models import DirectoryProfile  # noqa: PLC0415

    samples = []
    for _ in range(max(repeat, 5)):
        with transaction.atomic():
            # An ordinary night: a couple of hundred profiles reach their go-live day.
            due_tonight = (
                DirectoryProfile.objects.filter(is_live=True).order_by("?").values_list("pk", flat=True)[:200]
            )
            DirectoryProfile.objects.filter(pk__in=list(due_tonight)).update(is_live=False)
            started = time.perf_counter()
            result = services.profiles_publish_due()
            samples.append(time.perf_counter() - started)
            check(len(result.published) == 200, f"expected 200 published, got {len(result.published)}")
            transaction.set_rollback(True)
    out(f"  {'a night when 200 profiles are due':<56} {timed(samples)}")


def bench_searches(runs: int, rng: random.Random) -> None:
    from django.db import connection  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415

    from credentialing.models import Payer  # noqa: PLC0415
    from directory.models import DirectoryProfile  # noqa: PLC0415
    from onboarding.vocabulary import Language, Specialty  # noqa: PLC0415

    client = Client()
    payers = list(Payer.objects.values_list("slug", flat=True))
    words = [
        "anxiety",
        "couples",
        "grief",
        "trauma",
        "teenagers",
        "burnout",
        "postpartum",
        "recovery",
        "EMDR",
    ]
    slugs = list(DirectoryProfile.objects.filter(is_live=True).values_list("slug", flat=True)[:5000])
    live = DirectoryProfile.objects.filter(is_live=True).count()
    out(f"  live profiles: {live:,}")
    scenarios = {
        "no filter, page 1": dict,
        "insurance + state": lambda: {"payer": rng.choice(payers), "state": rng.choice(STATES)},
        "insurance + state + specialty + telehealth + accepting": lambda: {
            "payer": rng.choice(payers),
            "state": rng.choice(STATES),
            "specialty": rng.choice(Specialty.values),
            "format": "telehealth",
            "accepting": "on",
        },
        "language (Spanish) + state": lambda: {"language": Language.SPANISH, "state": rng.choice(STATES)},
        "free text, one word": lambda: {"q": rng.choice(words)},
        "free text + insurance + state": lambda: {
            "q": rng.choice(words),
            "payer": rng.choice(payers),
            "state": rng.choice(STATES),
        },
        "a last name": lambda: {"q": rng.choice(LAST)},
        "no filter, page 100": lambda: {"page": 100},
    }
    for label, params in scenarios.items():
        samples = []
        for _ in range(runs):
            url = "/directory/?" + urlencode(params())
            started = time.perf_counter()
            response = client.get(url)
            samples.append(time.perf_counter() - started)
            check(response.status_code == 200, f"{url} answered {response.status_code}")
        out(f"  {label:<56} {timed(samples)}")
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(f"/directory/{rng.choice(slugs)}/")
        samples.append(time.perf_counter() - started)
        check(response.status_code == 200, f"a profile page answered {response.status_code}")
    out(f"  {'profile page':<56} {timed(samples)}")
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT id FROM directory_directoryprofile WHERE is_live "
            "AND search_vector @@ websearch_to_tsquery('english', 'grief')"
        )
        plan = " ".join(row[0].strip() for row in cursor.fetchall())
    out(f"  free-text plan uses the GIN index: {'directory_profile_search' in plan}")


def main() -> None:
    args = parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/alma_bench_directory")
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_DEBUG"] = "false"  # no query log growing in memory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alma.settings.local")
    total = time.perf_counter()
    out(f"Benchmark database: {url} (recreated)")
    recreate_database(url)
    try:
        import django  # noqa: PLC0415

        django.setup()
        from django.conf import settings  # noqa: PLC0415
        from django.core.management import call_command  # noqa: PLC0415
        from django.test.utils import override_settings, setup_test_environment  # noqa: PLC0415

        from directory import selectors, services  # noqa: PLC0415

        setup_test_environment()  # lets the test Client in (ALLOWED_HOSTS) and keeps mail local
        # Static files are not collected here: plain static URLs, as in development.
        plain_static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain_static}).enable()
        services._request_delivery = lambda: None  # sending is the outbox's cost, not measured here

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        out(f"Migrated in {time.perf_counter() - started:.1f} s")
        rng = random.Random(6)  # noqa: S311 - repeatable data, not secrets
        started = time.perf_counter()
        loaded = load_directory(args.providers, selectors.company_today(), rng)
        out(
            f"Loaded {loaded['providers']:,} providers, {loaded['applications']:,} payer applications "
            f"({loaded['payers']} payers) in {time.perf_counter() - started:.1f} s"
        )
        out(f"\nPublishing sweep over {args.providers:,} providers:")
        bench_sweep(args.repeat)
        out(f"\nPublic search (full request through Django, {selectors.PAGE_SIZE} per page):")
        bench_searches(args.searches, rng)
    finally:
        from django.db import connections  # noqa: PLC0415

        connections.close_all()
        if not args.keep:
            drop_database(url)
    out(f"\nTotal {time.perf_counter() - total:.0f} s")


if __name__ == "__main__":
    main()
