"""Exclusion matching benchmark (not a test): an LEIE-sized list against a large practice.

    .venv/bin/python benchmarks/exclusion_matching_benchmark.py                 # about a minute
    .venv/bin/python benchmarks/exclusion_matching_benchmark.py --rows 80000 --providers 10000 --rounds 5

It creates its own PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/alma_bench_exclusions; dropped and created again, dropped at
the end unless --keep), migrates it, and loads --providers providers who have submitted the
Insurance Form (name, date of birth, NPI, practice state) with bulk INSERTs. It writes an
LEIE-format CSV of --rows rows (most with NPI 0000000000, as in the real file), in which about
1 % of the providers appear, by name and date of birth or by NPI. Then, A B A B over --rounds
rounds, each measure rolled back:

- the load: import_exclusions' service reading the file (parse, normalise, one COPY, SHA-256),
  against its baseline: a bare COPY of the same file, unparsed, into a scratch table;
- the match: exclusions_run() over every provider (rebuild the providers' match rows, then the
  run's statements), and those two parts apart, against their baseline: a bare hand-written
  indexed join of the same two tables (COUNT(*) of name + date-of-birth pairs).

It prints a Markdown table of ratios (median, min-max, N), the median times beside them as
context only.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository, for `benchmarks`

from benchmarks import _dataset
from benchmarks._common import (
    RATIO_HEADERS,
    add_keep,
    add_providers,
    add_rounds,
    alternate,
    argument_parser,
    bench_database_url,
    migrate,
    out,
    own_database,
    parse_arguments,
    ratio_row,
    rolled_back,
    setup_django,
    table,
)

# The directory's names, and spellings the list's normalising must meet: accents, apostrophes,
# particles and hyphens.
FIRST = [
    *_dataset.FIRST,
    *("José", "Zoë", "Renée", "Chloé", "Ngozi", "Björn", "Siobhán", "Łukasz", "Matías", "Anaïs"),
]
LAST = [*_dataset.LAST, *("Núñez", "O'Brien", "de la Cruz", "García Lopez", "Müller", "Ševčík", "Nowak-Kim")]
STATES = _dataset.STATES


def parse_args():
    parser = argument_parser(__doc__)
    parser.add_argument("--rows", type=int, default=80_000, help="rows in the list (default 80,000)")
    add_providers(parser, 10_000, "providers (default 10,000)")
    add_rounds(parser, 5, "rounds of each measure (default 5, at least 3)")
    add_keep(parser)
    return parse_arguments(parser, raise_rounds=True)


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
    url = bench_database_url("alma_bench_exclusions")
    with own_database(url, keep=args.keep):
        # The local settings, as it always ran (DJANGO_SETTINGS_MODULE chooses another).
        setup_django(
            url, os.environ.get("DJANGO_SETTINGS_MODULE", "alma.settings.local"), DJANGO_DEBUG="false"
        )
        from django.db import connection  # noqa: PLC0415

        from exclusions import services  # noqa: PLC0415
        from exclusions.models import ExclusionEntry, ExclusionSubject  # noqa: PLC0415

        migrate(report=False)
        rng = random.Random(13)  # noqa: S311 - repeatable data, not secrets
        started = time.perf_counter()
        people = load_providers(args.providers, rng)
        out(f"Loaded {len(people):,} providers in {time.perf_counter() - started:.1f} s (not measured)")

        entry, subject = ExclusionEntry._meta.db_table, ExclusionSubject._meta.db_table
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "UPDATED.csv"
            planted = write_list(path, args.rows, people, rng)
            size = path.stat().st_size
            out(f"List: {args.rows:,} rows, {size / 1e6:.1f} MB; planted {planted['by_name']} providers "
                f"by name + date of birth, {planted['by_npi']} by NPI")  # fmt: skip

            def load():
                return services.list_import(source="leie", path=path, file_date=date(2026, 11, 9), force=True)

            def bare_copy():
                # The floor of any load: the file's bytes into a table, nothing parsed or checked.
                with connection.cursor() as cursor:
                    cursor.execute("CREATE TEMP TABLE bench_raw (line text) ON COMMIT DROP")
                    with path.open("rb") as raw, cursor.cursor.copy("COPY bench_raw FROM STDIN") as copy:
                        while chunk := raw.read(1 << 20):
                            copy.write(chunk)

            loads = alternate(
                args.rounds,
                {"load": lambda: rolled_back(load)[0], "bare COPY": lambda: rolled_back(bare_copy)[0]},
            )
            record = load()  # kept for the matching
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        services.subjects_refresh()
        baseline_sql = (
            f"SELECT COUNT(*) FROM {subject} s JOIN {entry} e "  # noqa: S608
            "ON e.last_norm = s.last_norm AND e.first_norm = s.first_norm AND e.dob = s.dob "
            "WHERE e.list_import_id = %s"
        )

        def bare_join() -> float:
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(baseline_sql, [record.pk])
                cursor.fetchone()
            return time.perf_counter() - started

        results = []

        def match() -> float:
            elapsed, runs = rolled_back(lambda: services.exclusions_run(trigger="benchmark"))
            results.append((runs[0].providers_checked, runs[0].possible_matches, runs[0].new_cases))
            return elapsed

        matches = alternate(
            args.rounds,
            {
                "match every provider": match,
                "  of which the match rows": lambda: rolled_back(services.subjects_refresh)[0],
                "  and the run's statements": lambda: rolled_back(
                    lambda: services.source_run(source="leie", trigger="benchmark")
                )[0],
                "bare join": bare_join,
            },
        )
        checked, possible, opened = results[-1]
        subject_rows = ExclusionSubject.objects.count()
        rows = [ratio_row("load the file", "bare COPY", measured=loads["load"], baseline=loads["bare COPY"])]
        for name in ("match every provider", "  of which the match rows", "  and the run's statements"):
            rows.append(ratio_row(name, "bare join", measured=matches[name], baseline=matches["bare join"]))
        out()
        out(f"Exclusion matching: {args.rows:,} list rows x {args.providers:,} providers")
        out()
        table(["measure", "baseline", *RATIO_HEADERS], rows)
        out()
        out(f"{checked:,} providers checked, {possible:,} possible matches, {opened:,} cases opened per "
            f"round; {subject_rows:,} match rows (one per reading of each name).")  # fmt: skip
        out("Baselines: a bare COPY of the file's lines into a scratch table; a bare indexed join of the")
        out("match rows with the list (name + date of birth). Every measure rolled back. ms = medians,")
        out("context only: the ratios are the figures.")


if __name__ == "__main__":
    main()
