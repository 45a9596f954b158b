"""Directory benchmark (not a test): how fast public search and the publishing sweep are at scale.

    .venv/bin/python benchmarks/directory_benchmark.py            # about two minutes
    .venv/bin/python benchmarks/directory_benchmark.py --providers 20000 --repeat 10 --keep

It creates its own PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/alma_bench; dropped and created again, dropped at the end
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
import json
import os
import random
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIRST = [
    *("Alex", "Ana", "Ben", "Carmen", "Chloe", "Daniel", "Dana", "Eli", "Emma", "Farah", "Grace", "Hana"),
    *("Ian", "Ines", "Jamal", "Jordan", "Kai", "Lena", "Liam", "Maya", "Mei", "Noah", "Nora", "Omar"),
    *("Priya", "Quinn", "Rosa", "Sam", "Sofia", "Tara", "Theo", "Uma", "Victor", "Wen", "Yara", "Zoe"),
]
LAST = [
    *("Adams", "Alvarez", "Brooks", "Chen", "Clark", "Cohen", "Davis", "Diaz", "Evans", "Fischer", "Garcia"),
    *("Gupta", "Hall", "Harris", "Ito", "Jackson", "Kim", "Kowalski", "Lee", "Lopez", "Martin", "Mendez"),
    *("Miller", "Nguyen", "Novak", "Okafor", "Patel", "Perez", "Reyes", "Rivera", "Rossi", "Russo", "Singh"),
    *("Smith", "Stone", "Tanaka", "Taylor", "Thompson", "Walker", "Wang", "Williams", "Wilson", "Young"),
]
PHRASES = [
    "I help adults with anxiety and panic",
    "I work with couples rebuilding trust",
    "teenagers and their parents through school stress",
    "grief and loss after a death in the family",
    "trauma and PTSD with EMDR",
    "depression and low motivation using CBT",
    "life transitions, career change and burnout",
    "LGBTQIA+ clients exploring identity",
    "new parents and postpartum mood",
    "ADHD in adults: focus, planning and self-compassion",
    "substance use and recovery",
    "eating disorders and body image",
    "veterans returning to civilian life",
    "mindfulness-based stress reduction",
    "OCD with exposure and response prevention",
]
STATES = ["NY", "NJ", "CA", "TX", "FL", "IL", "PA", "MA", "WA", "GA", "NC", "OH", "CO", "AZ", "MI"]
STATE_WEIGHTS = [12, 6, 14, 10, 9, 5, 5, 4, 4, 4, 3, 3, 3, 3, 3]


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--providers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs of the publishing sweep (default 5)")
    parser.add_argument("--searches", type=int, default=40, help="runs of each search (default 40)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    return parser.parse_args()


def recreate_database(url: str) -> None:
    import psycopg  # noqa: PLC0415

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"Refusing an unusual database name: {name!r}")
    maintenance = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg  # noqa: PLC0415

    parsed = urlparse(url)
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}" WITH (FORCE)')


def check(condition: bool, problem: str) -> None:
    if not condition:
        raise SystemExit(f"Benchmark aborted: {problem}")


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed(samples: list[float]) -> str:
    ms = [s * 1000 for s in samples]
    return f"p50 {percentile(ms, 0.5):8.1f} ms   p95 {percentile(ms, 0.95):8.1f} ms   (n={len(ms)})"


# ---------------------------------------------------------------------------------------------
# Loading


def copy_rows(model, columns: list[str], rows) -> int:
    """COPY rows (tuples in `columns` order) into the model's table; JSON given as Python lists."""
    from django.db import connection  # noqa: PLC0415

    table = model._meta.db_table
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([json.dumps(v) if isinstance(v, list) else v for v in row])
            count += 1
    return count


def load(n: int, today: date, rng: random.Random) -> dict:
    """n providers in mixed states; returns counts of what was loaded."""
    from django.db import connection  # noqa: PLC0415

    from accounts.models import User  # noqa: PLC0415
    from credentialing.models import Payer, PayerApplication  # noqa: PLC0415
    from directory.models import DirectoryProfile  # noqa: PLC0415
    from onboarding.models import GeneralOnboarding, Provider  # noqa: PLC0415
    from onboarding.vocabulary import Approach, Language, Population, Specialty  # noqa: PLC0415
    from training.models import TrainingProgress  # noqa: PLC0415

    now = datetime.now(UTC)
    payer_ids = list(Payer.objects.order_by("pk").values_list("pk", flat=True))
    specialties = list(Specialty.values)
    approaches = list(Approach.values)
    populations = list(Population.values)
    other_languages = [code for code in Language.values if code != "en"]

    people = []
    for i in range(1, n + 1):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        form_approved = rng.random() < 0.95
        roll = rng.random()
        # Approved payers: most with effective dates in the past, some only in the future, some none.
        if roll < 0.72:
            effective = [today - timedelta(days=rng.randint(1, 700)) for _ in range(rng.randint(1, 3))]
        elif roll < 0.82:
            effective = [today + timedelta(days=rng.randint(1, 90))]
        else:
            effective = []
        trained = (
            (now - timedelta(days=rng.randint(0, 700), minutes=rng.randint(0, 1440)))
            if rng.random() < 0.85
            else None
        )
        contracted = today + timedelta(days=rng.randint(-700, 30 if rng.random() < 0.1 else -1))
        people.append(
            {
                "id": i,
                "name": name,
                "form_approved": form_approved,
                "effective": effective,
                "trained": trained,
                "contracted": contracted,
                "hidden": rng.random() < 0.01,
                "offboarded": rng.random() < 0.01,
                "bio": ". ".join(rng.sample(PHRASES, 3)) + ".",
                "specialties": rng.sample(specialties, rng.randint(2, 4)),
                "approaches": rng.sample(approaches, 2),
                "populations": rng.sample(populations, 2),
                "languages": ["en", *rng.sample(other_languages, 1 if rng.random() < 0.25 else 0)],
                "states": sorted(set(rng.choices(STATES, STATE_WEIGHTS, k=rng.randint(1, 3)))),
                "telehealth": rng.random() < 0.85,
                "in_person": rng.random() < 0.4,
                "accepting": rng.random() < 0.8,
            }
        )
    for person in people:
        if not (person["telehealth"] or person["in_person"]):
            person["telehealth"] = True

    copy_rows(
        User,
        [
            "id",
            "password",
            "is_superuser",
            "first_name",
            "last_name",
            "is_staff",
            "is_active",
            "date_joined",
            "email",
        ],
        ((p["id"], "!", False, "", "", False, True, now, f"bench{p['id']}@example.com") for p in people),
    )
    copy_rows(
        Provider,
        [
            "id",
            "public_id",
            "user_id",
            "legal_name",
            "license_type",
            "contracted_start_date",
            "onboarding_step",
            "step_changed_at",
            "created_at",
        ],
        (
            (
                p["id"],
                uuid.UUID(int=rng.getrandbits(128)),
                p["id"],
                p["name"],
                "LCSW",
                p["contracted"],
                "forms_approved",
                now,
                now,
            )
            for p in people
        ),
    )
    copy_rows(
        GeneralOnboarding,
        [
            *("provider_id", "status", "practice_name", "contact_phone", "address_line1", "address_line2"),
            *("city", "state", "postal_code", "states_licensed", "specialties", "approaches", "populations"),
            *("languages", "offers_telehealth", "offers_in_person", "photo", "bio", "submitted_at"),
            *("reviewed_at", "review_round"),
        ],
        (
            (
                p["id"], "approved" if p["form_approved"] else "submitted", "", "", "", "",
                "Springfield", p["states"][0], "10001", p["states"], p["specialties"], p["approaches"],
                p["populations"], p["languages"], p["telehealth"], p["in_person"], "", p["bio"], now,
                now if p["form_approved"] else None, 1,
            )
            for p in people
        ),
    )  # fmt: skip
    applications = []
    for p in people:
        for payer_id, effective in zip(
            rng.sample(payer_ids, len(p["effective"])), p["effective"], strict=True
        ):
            applications.append((p["id"], payer_id, "approved", now, now, now, effective, ""))
    copy_rows(
        PayerApplication,
        [
            "provider_id",
            "payer_id",
            "status",
            "requested_at",
            "submitted_at",
            "decided_at",
            "effective_date",
            "denial_reason",
        ],
        applications,
    )
    copy_rows(
        TrainingProgress,
        ["provider_id", "webinar_completed_at", "quiz_passed_at"],
        ((p["id"], p["trained"] - timedelta(minutes=40), p["trained"]) for p in people if p["trained"]),
    )
    # Profiles exist for every approved form (the sweep would build any missing; that is a
    # one-off backfill, not the nightly job) and none is live yet.
    copy_rows(
        DirectoryProfile,
        [
            *("provider_id", "slug", "display_name", "credentials", "photo", "bio", "bio_pending"),
            *("bio_review_note", "specialties", "approaches", "populations", "languages"),
            *("states_licensed", "offers_telehealth", "offers_in_person", "practice_name"),
            *("office_address_line1", "office_address_line2", "office_city", "office_state"),
            *("office_postal_code", "accepting_new_clients", "is_live", "hidden_by_staff"),
            *("hidden_reason", "offboarded_at", "created_at", "updated_at"),
        ],
        (
            (
                p["id"], f"{p['name'].lower().replace(' ', '-')}-{p['id']}", p["name"], "LCSW", "",
                p["bio"], "", "", p["specialties"], p["approaches"], p["populations"], p["languages"],
                p["states"], p["telehealth"], p["in_person"], "", "", "", "Springfield",
                p["states"][0], "10001", p["accepting"], False, p["hidden"], "",
                now if p["offboarded"] else None, now, now,
            )
            for p in people
            if p["form_approved"]
        ),
    )  # fmt: skip
    with connection.cursor() as cursor:
        for model in (
            User,
            Provider,
            GeneralOnboarding,
            PayerApplication,
            TrainingProgress,
            DirectoryProfile,
        ):
            table = model._meta.db_table
            # Table names come from the models, not from input.
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
            )
        cursor.execute("ANALYZE")
    return {"providers": n, "applications": len(applications), "payers": len(payer_ids)}


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
    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/alma_bench")
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
        loaded = load(args.providers, selectors.company_today(), rng)
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
