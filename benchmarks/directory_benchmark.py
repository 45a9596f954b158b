"""Directory search benchmark (not a test): every filter combination at page 1, page 10 and the
last page, as a ratio of the floor page measured in the same run.

    .venv/bin/python benchmarks/directory_benchmark.py                      # 100,000 providers, a few minutes
    .venv/bin/python benchmarks/directory_benchmark.py --providers 10000 --rounds 5 --keep

It creates its own PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/alma_bench_directory; dropped and created again, dropped at
the end unless --keep; --reuse takes a kept one as it is), migrates it, loads --providers
providers with COPY (benchmarks/_dataset.load_directory: about 57 % go live), publishes them
(profiles_publish_due) and writes the day's fair order (profiles_fair_rank), as the midnight
job does, then VACUUM ANALYZE (what autovacuum does after a change this size).

Every request goes through Django in-process (the test client, DJANGO_SETTINGS_MODULE=
benchmarks.settings: production's settings, DEBUG off). The baseline is the floor page
(GET /bench/floor/ signed in as a provider: middleware, session, user, the base template, no
domain queries). In each round every search is measured right after its own floor
measurement (A B A B), each figure the p50 of --requests requests; the table gives the ratio
search p50 ÷ floor p50: the median over the rounds, min-max and N (rounds). The issue's
target: every line <= 4x. Milliseconds are printed beside as context only.

It also prints the queries each search costs, the plan of page 1 (which index it reads) and
how long the midnight ranking takes at this size.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository, for `benchmarks`

from benchmarks._common import (
    add_keep,
    add_providers,
    add_reuse,
    add_rounds,
    alternate,
    argument_parser,
    bench_database_url,
    check,
    migrate,
    out,
    own_database,
    p50_of,
    parse_arguments,
    query_count,
    ratios,
    setup_django,
    signed_in_client,
    table,
)

TARGET = 4.0  # issue 14: directory search p50 <= 4x the floor page, any filters, any depth


def parse_args():
    parser = argument_parser(__doc__)
    add_providers(parser, 100_000)
    add_rounds(parser, 3, "A B rounds (at least 3; default 3)")
    parser.add_argument("--requests", type=int, default=15, help="requests per figure (default 15)")
    add_keep(parser)
    add_reuse(parser)
    return parse_arguments(parser)


def load(providers: int) -> None:
    import random  # noqa: PLC0415

    from django.db import connection  # noqa: PLC0415

    from benchmarks._dataset import load_directory  # noqa: PLC0415
    from directory import selectors, services  # noqa: PLC0415

    migrate()
    started = time.perf_counter()
    loaded = load_directory(providers, selectors.company_today(), random.Random(6))  # noqa: S311
    out(
        f"Loaded {loaded['providers']:,} providers, {loaded['applications']:,} payer applications "
        f"({loaded['payers']} payers) in {time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    services.profiles_go_live_write()  # COPY-loaded rows carry no stored go-live date yet
    published = len(services.profiles_publish_due().published)
    out(f"Published {published:,} profiles in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def midnight_ranking() -> str:
    """The midnight job at this size, once: every live profile ranked for a new day."""
    from datetime import timedelta  # noqa: PLC0415

    from django.db import connection  # noqa: PLC0415

    from directory import selectors, services  # noqa: PLC0415

    today = selectors.company_today()
    services.profiles_fair_rank(today=today - timedelta(days=1))  # as if ranked yesterday
    started = time.perf_counter()
    ranked = services.profiles_fair_rank(today=today)
    took = time.perf_counter() - started
    started = time.perf_counter()
    again = services.profiles_fair_rank(today=today)
    repeat = time.perf_counter() - started
    check(again == 0, f"a second ranking run wrote {again} rows")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE directory_directoryprofile")
    return (
        f"Midnight ranking: {ranked:,} live profiles in {took:.2f} s (one UPDATE); "
        f"a repeat the same day writes 0 rows in {repeat * 1000:.0f} ms"
    )


def scenarios() -> dict[str, dict[str, str]]:
    from credentialing.models import Payer  # noqa: PLC0415

    payer = Payer.objects.order_by("pk").values_list("slug", flat=True)[1]
    return {
        "no filter": {},
        "insurance + state": {"payer": payer, "state": "NY"},
        "insurance + state + specialty + telehealth + accepting": {
            "payer": payer,
            "state": "CA",
            "specialty": "anxiety",
            "format": "telehealth",
            "accepting": "on",
        },
        "language (Spanish) + state": {"language": "es", "state": "TX"},
        "in person + accepting": {"format": "in_person", "accepting": "on"},
        "free text, one word": {"q": "grief"},
        "free text + insurance + state": {"q": "couples", "payer": payer, "state": "NY"},
        "a last name": {"q": "Okafor"},
    }


def matches(params: dict[str, str]) -> int:
    """The exact number of results (to find the last page), by the search's own query."""
    from directory import selectors  # noqa: PLC0415
    from directory.forms import SearchForm  # noqa: PLC0415

    form = SearchForm(params)
    form.is_valid()
    return selectors.search_profiles(form.filters(), today=selectors.company_today()).count()


def page_one_plan(params: dict[str, str]) -> str:
    from django.db import connection  # noqa: PLC0415

    from directory import selectors  # noqa: PLC0415
    from directory.forms import SearchForm  # noqa: PLC0415

    form = SearchForm(params)
    form.is_valid()
    results = selectors.search_profiles(form.filters(), today=selectors.company_today())[
        : selectors.PAGE_SIZE
    ]
    sql, values = results.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", values)
        plan = [row[0] for row in cursor.fetchall()]
    scans = [line.strip().lstrip("-> ") for line in plan if "Scan" in line]
    return "; ".join(scans)


def measure(args) -> None:
    from django.db import connection  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415

    from accounts.models import User  # noqa: PLC0415
    from directory import selectors  # noqa: PLC0415

    live = selectors.live_profiles().count()
    out(f"Live profiles: {live:,} of {args.providers:,} providers\n")
    out(midnight_ranking())

    provider_user = User.objects.filter(provider__isnull=False).order_by("pk").first()
    signed_in = signed_in_client(provider_user)
    visitor = Client()  # the public directory needs no sign-in
    floor_url = "/bench/floor/"
    check(signed_in.get(floor_url).status_code == 200, "the floor page does not answer")

    lines = []  # (label, page, results, url)
    for label, params in scenarios().items():
        found = matches(params)
        last = max(1, -(-found // selectors.PAGE_SIZE))
        for page in dict.fromkeys((1, min(10, last), last)):
            url = "/directory/?" + urlencode({**params, **({"page": page} if page > 1 else {})})
            lines.append((label, page, found, url))
    for *_, url in lines:  # warm every plan and cache once, as a running server would be
        visitor.get(url)
        signed_in.get(floor_url)

    measures = {}
    for index, (*_, url) in enumerate(lines):
        measures[f"floor {index}"] = lambda: p50_of(signed_in, floor_url, args.requests)
        measures[f"search {index}"] = lambda url=url: p50_of(visitor, url, args.requests)
    started = time.perf_counter()
    figures = alternate(args.rounds, measures)
    took = time.perf_counter() - started

    rows, worst = [], 0.0
    for index, (label, page, found, url) in enumerate(lines):
        ratio = ratios(figures[f"search {index}"], figures[f"floor {index}"])
        worst = max(worst, ratio.median)
        rows.append(
            (
                label,
                f"{page:,}" + (" (last)" if page > 1 and page * selectors.PAGE_SIZE >= found else ""),
                f"{found:,}",
                str(ratio),
                "yes" if ratio.median <= TARGET else "**no**",
                f"{statistics.median(figures[f'search {index}']) * 1000:.1f}",
                query_count(visitor, url),
            )
        )
    floor_ms = statistics.median(v for k, vs in figures.items() if k.startswith("floor") for v in vs) * 1000
    out(
        f"\nDirectory search at {args.providers:,} providers ({live:,} live), p50 of {args.requests} "
        f"requests per figure, ÷ the floor page's p50 measured just before it "
        f"(floor p50 {floor_ms:.1f} ms):\n"
    )
    table(
        [
            "search",
            "page",
            "results",
            "p50 ÷ floor (median, min-max, N)",
            f"<= {TARGET:g}x",
            "p50 ms",
            "queries",
        ],
        rows,
    )
    out(f"\nWorst median ratio {worst:.2f}x (target <= {TARGET:g}x); measuring took {took:.0f} s")
    out("\nPage 1 plans (the scans PostgreSQL chose):")
    for label, params in scenarios().items():
        out(f"- {label}: {page_one_plan(params)}")
    connection.close()


def main() -> None:
    args = parse_args()
    url = bench_database_url("alma_bench_directory")
    total = time.perf_counter()
    with own_database(url, keep=args.keep, reuse=args.reuse):
        setup_django(url)
        from django.test.utils import setup_test_environment  # noqa: PLC0415

        from onboarding.services import outbox  # noqa: PLC0415

        setup_test_environment()  # lets the test client in and keeps mail local
        outbox._request_sweep = lambda: None  # sending the queued emails is the outbox's cost
        if not args.reuse:
            load(args.providers)
        measure(args)
    out(f"\nTotal {time.perf_counter() - total:.0f} s")


if __name__ == "__main__":
    main()
