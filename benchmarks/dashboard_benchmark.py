"""Dashboard benchmark (not a test): the Onboarding Dashboard of the heaviest provider, and of an
average one, as ratios of the floor page measured in the same run.

    .venv/bin/python benchmarks/dashboard_benchmark.py                   # 10k providers, about a minute
    .venv/bin/python benchmarks/dashboard_benchmark.py --providers 100000 --rounds 5 --keep
    .venv/bin/python benchmarks/dashboard_benchmark.py --profile /tmp/dashboard-profile.txt

It creates its own PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/alma_bench_dashboard; dropped and created again, dropped at the
end unless --keep), migrates it and loads with COPY:

- the background: --providers providers in mixed states (benchmarks/_dataset.load_directory);
- the heaviest provider: 8 payer applications in every status, about 900 timeline rows (onboarding
  step events, sent emails, staff reviews, payer application events) and a few unsent emails.

Then, in this process, with the Django test client under benchmarks.settings (production's
settings: DEBUG off, cached templates; the cache is CACHE_URL's, default the in-process one), it
alternates A B C A B C for --rounds rounds: the floor page (/bench/floor/, the base template for a
signed-in provider), the heaviest provider's dashboard and an average provider's dashboard, each
--requests requests per round after a warm-up. It prints, per page, the p50 of each round divided
by the floor page's p50 of the same round: the median over the rounds, min-max and N, with the
absolute p50 and the query count beside as context.

--profile PATH writes a pyinstrument profile (text) of --requests dashboard requests of the
heaviest provider to PATH.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository, for `benchmarks`

from benchmarks._common import (
    add_keep,
    add_providers,
    add_rounds,
    alternate,
    argument_parser,
    bench_database_url,
    check,
    copy_rows,
    migrate,
    out,
    own_database,
    p50_of,
    parse_arguments,
    query_count,
    ratios,
    reset_sequences,
    setup_django,
    signed_in_client,
    table,
)
from benchmarks._dataset import load_directory

DASHBOARD = "/portal/onboarding/"
FLOOR = "/bench/floor/"
HEAVY_PAYERS = 8
HEAVY_EVENTS = 900


def parse_args():
    parser = argument_parser(__doc__)
    add_providers(parser, 10_000, "background providers (default 10,000)")
    add_rounds(parser, 5, "rounds of A B C (at least 3, default 5)")
    parser.add_argument("--requests", type=int, default=40, help="requests per page per round (default 40)")
    add_keep(parser)
    parser.add_argument("--profile", metavar="PATH", help="write a pyinstrument text profile to PATH")
    return parse_arguments(parser)


# ---------------------------------------------------------------------------------------------
# Loading the heaviest provider


def load_heaviest(provider_id: int, rng: random.Random) -> dict:
    """Provider `provider_id` (from load_directory) gets 8 payer applications in every status and
    about 900 timeline rows of every kind the dashboard reads, all by COPY."""
    from django.db import connection  # noqa: PLC0415
    from django.utils import timezone  # noqa: PLC0415

    from credentialing.models import Payer, PayerApplication, PayerApplicationEvent  # noqa: PLC0415
    from onboarding import email_kinds  # noqa: PLC0415
    from onboarding.models import (  # noqa: PLC0415
        FormReview,
        OnboardingEvent,
        OnboardingStep,
        OutboxEmail,
        ReviewedForm,
    )

    now = timezone.now()
    today = timezone.localdate(now)
    PayerApplication.objects.filter(provider_id=provider_id).delete()
    payer_ids = list(Payer.objects.order_by("pk").values_list("pk", flat=True))[:HEAVY_PAYERS]
    check(len(payer_ids) == HEAVY_PAYERS, f"the migrations seed {len(payer_ids)} payers, not {HEAVY_PAYERS}")
    statuses = [
        "approved",
        "approved",
        "submitted",
        "submitted",
        "submitted",
        "requested",
        "denied",
        "withdrawn",
    ]
    rows = []
    for payer_id, status in zip(payer_ids, statuses, strict=True):
        submitted = now - timedelta(days=rng.randint(5, 40)) if status != "requested" else None
        rows.append(
            (
                provider_id, payer_id, status, now - timedelta(days=60), submitted,
                now - timedelta(days=2) if status in {"approved", "denied"} else None,
                today - timedelta(days=3) if status == "approved" else None,
                "Panel closed in your county" if status == "denied" else "",
                now - timedelta(days=1) if status == "withdrawn" else None,
            )
        )  # fmt: skip
    copy_rows(
        PayerApplication,
        [
            *("provider_id", "payer_id", "status", "requested_at", "submitted_at", "decided_at"),
            *("effective_date", "denial_reason", "withdrawn_at"),
        ],
        rows,
    )
    applications = list(
        PayerApplication.objects.filter(provider_id=provider_id).values_list("pk", "status").order_by("pk")
    )
    per_kind = HEAVY_EVENTS // 4
    steps = list(OnboardingStep.values)
    copy_rows(
        OnboardingEvent,
        ["provider_id", "from_step", "to_step", "note", "occurred_at"],
        (
            (provider_id, steps[n % len(steps)], steps[(n + 1) % len(steps)], "", now - timedelta(hours=n))
            for n in range(HEAVY_EVENTS - 3 * per_kind)
        ),
    )
    kinds = [k.code for k in email_kinds.kinds() if k.code not in email_kinds.staff_notice_codes()]
    email = f"bench{provider_id}@example.com"
    sent = [
        (provider_id, kinds[n % len(kinds)], f"heavy-{n}", email, f"<heavy-{n}@alma.bench>",
         now - timedelta(hours=n), now - timedelta(hours=n), "", "")
        for n in range(per_kind)
    ]  # fmt: skip
    unsent = [
        (provider_id, kinds[n % len(kinds)], f"heavy-due-{n}", email, f"<heavy-due-{n}@alma.bench>",
         now + timedelta(days=n + 1), None, "", "")
        for n in range(5)
    ]  # fmt: skip
    copy_rows(
        OutboxEmail,
        [
            *("provider_id", "step", "key", "to_email", "message_id"),
            *("due_at", "sent_at", "last_error", "esp_message_id"),
        ],
        [*sent, *unsent],
    )
    forms = [ReviewedForm.GENERAL_ONBOARDING, ReviewedForm.INSURANCE_FORM]
    copy_rows(
        FormReview,
        ["provider_id", "form", "round", "decision", "reason", "decided_at"],
        (
            (provider_id, forms[n % 2], n + 10, "changes_requested", "Please add your NPI",
             now - timedelta(hours=n, minutes=30))
            for n in range(per_kind)
        ),
    )  # fmt: skip
    decided = [(pk, status) for pk, status in applications if status in {"approved", "denied"}]
    copy_rows(
        PayerApplicationEvent,
        ["application_id", "from_status", "to_status", "note", "occurred_at"],
        (
            (decided[n % len(decided)][0], "submitted", decided[n % len(decided)][1], "",
             now - timedelta(hours=n, minutes=15))
            for n in range(per_kind)
        ),
    )  # fmt: skip
    reset_sequences(PayerApplication, OnboardingEvent, OutboxEmail, FormReview, PayerApplicationEvent)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"applications": len(applications), "timeline rows": 4 * per_kind + (HEAVY_EVENTS - 4 * per_kind)}


# ---------------------------------------------------------------------------------------------
# Measuring


def profile(client, path: str, requests: int) -> None:
    from pyinstrument import Profiler  # noqa: PLC0415

    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(requests):
        client.get(DASHBOARD)
    profiler.stop()
    Path(path).write_text(profiler.output_text(unicode=False, color=False, show_all=False))
    out(f"Profile of {requests} dashboard requests of the heaviest provider written to {path}")


def main() -> None:
    args = parse_args()
    url = bench_database_url("alma_bench_dashboard")
    total = time.perf_counter()
    with own_database(url, keep=args.keep):
        setup_django(url)
        from django.conf import settings  # noqa: PLC0415
        from django.db.models import Count  # noqa: PLC0415
        from django.utils import timezone  # noqa: PLC0415

        from onboarding.models import Provider  # noqa: PLC0415

        # No setup_test_environment(): it instruments every template render (a signal per
        # template), which would weigh on the pages with the most templates. benchmarks.settings
        # already allows the test client's host and keeps mail local.
        migrate()
        rng = random.Random(14)  # noqa: S311 - repeatable data, not secrets
        started = time.perf_counter()
        loaded = load_directory(args.providers, timezone.localdate(), rng)
        heavy_id = 1
        # An average provider: one approved payer (the commonest case) and no extra history.
        average_id = (
            Provider.objects.annotate(applications=Count("payer_applications"))
            .filter(applications=1, pk__gt=heavy_id, general_onboarding__status="approved")
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        heavy = load_heaviest(heavy_id, rng)
        out(
            f"Loaded {loaded['providers']:,} providers, {loaded['applications']:,} payer applications; the "
            f"heaviest provider has {heavy['applications']} payer applications and "
            f"{heavy['timeline rows']} timeline rows ({time.perf_counter() - started:.1f} s)"
        )
        average_apps = Provider.objects.get(pk=average_id).payer_applications.count()
        out(f"The average provider (#{average_id}) has {average_apps} payer application(s), no history rows")
        out(f"Cache: {settings.CACHES['default']['BACKEND']}")

        floor, heaviest, average = (signed_in_client(pk) for pk in (heavy_id, heavy_id, average_id))
        pages = {
            "floor page (base template, signed-in provider)": (floor, FLOOR),
            "dashboard, heaviest provider (8 payers, 900 events)": (heaviest, DASHBOARD),
            "dashboard, average provider": (average, DASHBOARD),
        }
        queries = {}
        for name, (client, page) in pages.items():
            p50_of(client, page, 10)  # warm-up: templates compiled, connection open, cache filled
            queries[name] = query_count(client, page)
        if args.profile:
            profile(heaviest, args.profile, args.requests)
        out(f"\n{args.rounds} rounds x {args.requests} requests per page, alternating:\n")
        figures = alternate(
            args.rounds,
            {
                name: (lambda c=client, p=page: p50_of(c, p, args.requests))
                for name, (client, page) in pages.items()
            },
        )
        baseline = figures[next(iter(pages))]
        table(
            ["page", "p50 / floor page (median, min-max, N rounds)", "p50 ms (median)", "queries"],
            [
                (
                    name,
                    ratios(figures[name], baseline),
                    f"{statistics.median(figures[name]) * 1000:.2f}",
                    queries[name],
                )
                for name in pages
            ],
        )
        out(
            f"\nN = {args.rounds} rounds of {args.requests} requests each; "
            f"{args.providers:,} background providers."
        )
    out(f"Total {time.perf_counter() - total:.0f} s")


if __name__ == "__main__":
    main()
