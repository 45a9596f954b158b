"""Exclusion matching benchmark (not a test): an LEIE-sized list against a large practice.

    .venv/bin/python benchmarks/exclusion_matching_benchmark.py                 # about a minute
    .venv/bin/python benchmarks/exclusion_matching_benchmark.py --rows 80000 --providers 10000 --rounds 5

It creates its own PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/alma_bench_exclusions; dropped and created again, dropped at
the end unless --keep), migrates it, and loads --providers providers who have submitted the
Insurance Form (name, date of birth, NPI, practice state) with bulk INSERTs. It writes an
LEIE-format CSV of --rows rows (most with NPI 0000000000, as in the real file), in which about
1 % of the providers appear, by name and date of birth or by NPI. Then it prints:

- the load: import_exclusions' service reading the file (parse, normalise, one COPY, SHA-256),
  --rounds times, each rolled back;
- the match: exclusions_run() over every provider (rebuild the providers' match rows, then the
  run's statements), --rounds times, each rolled back so every round opens the same cases;
- a baseline measured in the same run: a bare hand-written indexed join of the same two tables
  (COUNT(*) of name + date-of-birth pairs), so the figure can be read on any machine as a ratio.

Each figure: median, min-max, N.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIRST = [
    *("Alex", "Ana", "Ben", "Carmen", "Chloe", "Daniel", "Dana", "Eli", "Emma", "Farah", "Grace", "Hana"),
    *("Ian", "Ines", "Jamal", "Jordan", "Kai", "Lena", "Liam", "Maya", "Mei", "Noah", "Nora", "Omar"),
    *("Priya", "Quinn", "Rosa", "Sam", "Sofia", "Tara", "Theo", "Uma", "Victor", "Wen", "Yara", "Zoe"),
    *("José", "Zoë", "Renée", "Chloé", "Ngozi", "Björn", "Siobhán", "Łukasz", "Matías", "Anaïs"),
]
LAST = [
    *("Adams", "Alvarez", "Brooks", "Chen", "Clark", "Cohen", "Davis", "Diaz", "Evans", "Fischer", "Garcia"),
    *("Gupta", "Hall", "Harris", "Ito", "Jackson", "Kim", "Kowalski", "Lee", "Lopez", "Martin", "Mendez"),
    *("Miller", "Nguyen", "Novak", "Okafor", "Patel", "Perez", "Reyes", "Rivera", "Rossi", "Russo", "Singh"),
    *("Smith", "Stone", "Tanaka", "Taylor", "Thompson", "Walker", "Wang", "Williams", "Wilson", "Young"),
    *("Núñez", "O'Brien", "de la Cruz", "García Lopez", "Müller", "Ševčík", "Nowak-Kim"),
]
STATES = ["NY", "NJ", "CA", "TX", "FL", "IL", "PA", "MA", "WA", "GA", "NC", "OH", "CO", "AZ", "MI"]


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=80_000, help="rows in the list (default 80,000)")
    parser.add_argument("--providers", type=int, default=10_000, help="providers (default 10,000)")
    parser.add_argument(
        "--rounds", type=int, default=5, help="rounds of each measure (default 5, at least 3)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args()
    args.rounds = max(3, args.rounds)
    return args


def recreate_database(url: str) -> None:
    import psycopg  # noqa: PLC0415

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"Refusing an unusual database name: {name!r}")
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg  # noqa: PLC0415

    parsed = urlparse(url)
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}" WITH (FORCE)')


def figure(samples: list[float]) -> str:
    ms = [s * 1000 for s in samples]
    return (
        f"median {statistics.median(ms):8.1f} ms   min-max {min(ms):8.1f}-{max(ms):8.1f} ms   (N={len(ms)})"
    )


class Rollback(Exception):
    pass


def rolled_back(call):
    """Time `call()` inside a transaction that is then undone; returns (seconds, result)."""
    from django.db import transaction  # noqa: PLC0415

    result = None
    started = time.perf_counter()
    try:
        with transaction.atomic():
            result = call()
            elapsed = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    return elapsed, result


# ---------------------------------------------------------------------------------------------
# The data


def random_npi(rng: random.Random) -> str:
    return str(rng.randint(1_000_000_000, 1_999_999_999))


def load_providers(n: int, rng: random.Random) -> list[dict]:
    """n providers with both forms submitted, through bulk INSERTs (not the measured part)."""
    from accounts.models import User  # noqa: PLC0415
    from credentialing.models import InsuranceForm  # noqa: PLC0415
    from onboarding.models import GeneralOnboarding, Provider  # noqa: PLC0415

    now = datetime.now(UTC)
    people = []
    for i in range(1, n + 1):
        people.append(
            {
                "id": i,
                "first": rng.choice(FIRST),
                "last": rng.choice(LAST),
                "dob": date(1950, 1, 1) + timedelta(days=rng.randint(0, 18_000)),
                "npi": random_npi(rng),
                "state": rng.choice(STATES),
            }
        )
    unusable = "!"  # Django's mark for "no password"
    User.objects.bulk_create(
        [User(id=p["id"], email=f"bench{p['id']}@example.com", password=unusable) for p in people],
        batch_size=2000,
    )
    Provider.objects.bulk_create(
        [
            Provider(
                id=p["id"],
                user_id=p["id"],
                legal_name=f"{p['first']} {p['last']}",
                license_type="LCSW",
                contracted_start_date=now.date(),
                onboarding_step="insurance_form_submitted",
            )
            for p in people
        ],
        batch_size=2000,
    )
    GeneralOnboarding.objects.bulk_create(
        [
            GeneralOnboarding(provider_id=p["id"], status="submitted", state=p["state"], submitted_at=now)
            for p in people
        ],
        batch_size=2000,
    )
    InsuranceForm.objects.bulk_create(
        [
            InsuranceForm(
                provider_id=p["id"],
                status="submitted",
                npi=p["npi"],
                date_of_birth=p["dob"],
                submitted_at=now,
            )
            for p in people
        ],
        batch_size=2000,
    )
    return people


def write_list(path: Path, rows: int, people: list[dict], rng: random.Random) -> dict:
    """An LEIE-format CSV: `rows` rows, about 1 % of the providers planted in it."""
    from exclusions.sources import LEIE_COLUMNS  # noqa: PLC0415

    planted_by_name = rng.sample(people, max(1, len(people) // 125))
    planted_by_npi = rng.sample(people, max(1, len(people) // 500))
    lines = [",".join(LEIE_COLUMNS)]

    def row(last, first, npi, dob, state):
        return ",".join(
            [last.upper(), first.upper(), "", "", "IND- LIC HC SERV PRO", "COUNSELOR", "", npi, dob,
             "1 MAIN ST", "SPRINGFIELD", state, "10001", "1128a1", "20200101", "00000000", "00000000", ""]
        )  # fmt: skip

    for p in planted_by_name:
        # As the list spells names: upper case, no accents, no apostrophes.
        from exclusions.names import normalised  # noqa: PLC0415

        lines.append(
            row(normalised(p["last"]), normalised(p["first"]), "0000000000", f"{p['dob']:%Y%m%d}", p["state"])
        )
    for p in planted_by_npi:
        lines.append(row("SOMEONE", "ELSE", p["npi"], "19600101", "OH"))
    for n in range(rows - len(planted_by_name) - len(planted_by_npi)):
        dob = date(1930, 1, 1) + timedelta(days=rng.randint(0, 25_000))
        npi = random_npi(rng) if rng.random() < 0.15 else "0000000000"
        lines.append(
            row(f"LISTED{n}", rng.choice(FIRST).replace(",", ""), npi, f"{dob:%Y%m%d}", rng.choice(STATES))
        )
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return {"by_name": len(planted_by_name), "by_npi": len(planted_by_npi)}


# ---------------------------------------------------------------------------------------------


def main() -> None:  # noqa: PLR0915 - one script, read top to bottom
    args = parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/alma_bench_exclusions")
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alma.settings.local")
    out(f"Benchmark database: {url} (recreated)")
    recreate_database(url)
    try:
        import django  # noqa: PLC0415

        django.setup()
        from django.core.management import call_command  # noqa: PLC0415
        from django.db import connection  # noqa: PLC0415

        from exclusions import services  # noqa: PLC0415
        from exclusions.models import ExclusionEntry, ExclusionSubject  # noqa: PLC0415

        call_command("migrate", verbosity=0)
        rng = random.Random(13)  # noqa: S311 - repeatable data, not secrets
        started = time.perf_counter()
        people = load_providers(args.providers, rng)
        out(f"Loaded {len(people):,} providers in {time.perf_counter() - started:.1f} s (not measured)")

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "UPDATED.csv"
            planted = write_list(path, args.rows, people, rng)
            size = path.stat().st_size
            out(f"List: {args.rows:,} rows, {size / 1e6:.1f} MB; planted {planted['by_name']} providers "
                f"by name + date of birth, {planted['by_npi']} by NPI")  # fmt: skip

            def load():
                return services.list_import(source="leie", path=path, file_date=date(2026, 11, 9), force=True)

            loads = [rolled_back(load)[0] for _ in range(args.rounds)]
            record = load()  # kept for the matching
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        out()
        out(f"Load the file ({args.rows:,} rows):        {figure(loads)}")

        matches, results = [], []
        for _ in range(args.rounds):
            elapsed, runs = rolled_back(lambda: services.exclusions_run(trigger="benchmark"))
            matches.append(elapsed)
            results.append((runs[0].providers_checked, runs[0].possible_matches, runs[0].new_cases))
        out(f"Match every provider:                {figure(matches)}")
        refreshes = [rolled_back(services.subjects_refresh)[0] for _ in range(args.rounds)]
        services.subjects_refresh()
        sql_runs = [
            rolled_back(lambda: services.source_run(source="leie", trigger="benchmark"))[0]
            for _ in range(args.rounds)
        ]
        out(f"  of which the providers' match rows: {figure(refreshes)}")
        out(f"  and the run's SQL statements:       {figure(sql_runs)}")
        checked, possible, opened = results[-1]
        out(
            f"  {checked:,} providers checked, {possible:,} possible matches, "
            f"{opened:,} cases opened per round"
        )

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        entry, subject = ExclusionEntry._meta.db_table, ExclusionSubject._meta.db_table
        baseline_sql = (
            f"SELECT COUNT(*) FROM {subject} s JOIN {entry} e "  # noqa: S608
            "ON e.last_norm = s.last_norm AND e.first_norm = s.first_norm AND e.dob = s.dob "
            "WHERE e.list_import_id = %s"
        )
        baselines = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(baseline_sql, [record.pk])
                cursor.fetchone()
            baselines.append(time.perf_counter() - started)
        out(f"Baseline: a bare indexed join:       {figure(baselines)}")
        ratio = statistics.median(matches) / statistics.median(baselines)
        out(f"Matching / baseline (medians):       {ratio:.1f}x")
        subject_rows = ExclusionSubject.objects.count()
        out(f"  ({subject_rows:,} match rows for {checked:,} providers: one per reading of each name)")
    finally:
        if not args.keep:
            from django.db import connections  # noqa: PLC0415

            connections.close_all()
            drop_database(url)


if __name__ == "__main__":
    main()
