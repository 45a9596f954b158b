"""Pages under load (not a test): every page's p50 through gunicorn, as ratios of two baselines
measured in the same run, at two data sizes; the query counts; the workers' memory.

    .venv/bin/python benchmarks/pages_benchmark.py                       # 10k and 100k, ~15 min
    .venv/bin/python benchmarks/pages_benchmark.py --sizes 10000 --rounds 3 --seconds 3 --keep
    .venv/bin/python benchmarks/pages_benchmark.py --sizes 10000 --pages "SLA,review queue" --p95

--pages SUBSTR[,SUBSTR] measures only the pages whose name (the table's first column) contains
one of the substrings, ignoring case, to re-measure one page quickly; the bare view and the floor
page are measured always (every ratio needs them). --p95 adds a p95 column beside each p50 (wrk's
95th percentile of the same runs, through its Lua `done` hook).

Needs PostgreSQL (BENCH_DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432/),
Redis for the broker of the emails the load queues (BENCH_BROKER_URL, default redis DB 3; no
worker is needed) and Debian's wrk (`apt-get install wrk`).

For each size it creates its own database, alma_bench_pages_10k / alma_bench_pages_100k, or
<name>_10k / <name>_100k where BENCH_DATABASE_URL names one (dropped and created again; dropped
at the end unless --keep), migrates it, loads the national data set
(benchmarks/_dataset.load_national: n providers, ~57 % live, ~5 events and ~5 emails each, 5 %
of forms waiting for review, a provider with 8 payers and ~900 timeline rows, an average one, one
mid-onboarding, a staff user signed in through the authenticator-code step), then:

1. Query counts per page, in process (Django's test client, CaptureQueriesContext), with the SQL
   time share: the sum of the queries' times ÷ the request's time (median of 5).
2. gunicorn (gunicorn.conf.py, benchmarks.settings: production settings, 2 sync workers,
   loopback), warmed up; each page is checked to answer 200 with its own content (not a sign-in
   redirect). Then --rounds rounds: the bare view, the floor page, then every page, each a wrk
   run (1 thread, 2 connections, --seconds or long enough for 3 answers of a slow page) whose
   p50 comes from wrk's latency distribution; the workers are drained after each run (a pause,
   then a bare request answered fast), so a slow page does not poison the next run.
3. Memory: gunicorn started afresh, 1,000 mixed requests (or 120 s, whichever comes first), then
   each worker's peak RSS (VmHWM in /proc/<pid>/status).

It prints, per size as it goes and then side by side: page | p50 ms | ÷ bare | ÷ floor (median,
min-max, N) at each size | the largest size's floor ratio ÷ the smallest's (target ≤ 1.3) |
the page's target met? (directory ≤ 4x floor, admin review queue and provider list ≤ 6x,
heaviest dashboard ≤ 8x); then query counts (must be equal at both sizes) and memory (within
10 %). Absolute milliseconds are context only: the ratios are what carries between machines.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository, for `benchmarks`

from benchmarks._common import (
    DEFAULT_SERVER,
    ROOT,
    Ratio,
    add_keep,
    add_rounds,
    add_sizes,
    argument_parser,
    check,
    child_pids,
    migrate,
    out,
    own_database,
    parse_arguments,
    peak_rss_mb,
    percentile,
    ratios,
    session_client,
    setup_django,
    sizes_of,
    stop_process,
    table,
)
from benchmarks._common import size_label as label

PORT = 8601
SERVER, _NAMED = os.environ.get("BENCH_DATABASE_URL", f"{DEFAULT_SERVER}/").rsplit("/", 1)
# Each size's database: <BENCH_DATABASE_URL's name>_10k where it names one (so benchmarks run side
# by side under different names do not drop each other's), else alma_bench_pages_10k.
DATABASE_PREFIX = _NAMED or "alma_bench_pages"
BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/3")
FLAT = 1.3  # largest size's floor ratio ÷ smallest's
MEMORY_FLAT = 0.10
MIXED_REQUESTS = 1_000
MIXED_SECONDS = 120
MIN_ANSWERS = 3  # a wrk run with fewer answers is replaced by this many timed one after another

# name, whose session, path (filled from the load), what the page must say, target ÷ floor
PAGES: list[tuple[str, str, str, str, float | None]] = [
    ("dashboard, heaviest (8 payers, ~900 events)", "heaviest", "/portal/onboarding/", "Onboarding", 8),
    ("dashboard, average provider", "average", "/portal/onboarding/", "Onboarding", None),
    ("directory search, no filter", "average", "/directory/", "directory", 4),
    ("directory search, payer + state", "average", "/directory/?payer={payer}&state=NY", "directory", 4),
    ("directory search, page 1000", "average", "/directory/?page=1000", "directory", 4),
    ("directory search, free text", "average", "/directory/?q=anxiety", "directory", 4),
    ("profile page", "average", "/directory/{slug}/", "{name}", None),
    ("admin provider list", "staff", "/admin/onboarding/provider/", "Select provider", 6),
    ("admin review queue", "staff", "/admin/onboarding/reviewqueue/", "Review queue", 6),
    ("SLA board", "staff", "/admin/sla/", "Promises at risk", None),
    ("Insurance & Directories", "heaviest", "/insurance/", "Insurance", None),
    ("General Onboarding form", "mid", "{general_onboarding}", "General Onboarding", None),
    ("Insurance Form", "mid", "{insurance_form}", "Insurance Form", None),
    # Issue 15's line: the FHIR directory API's searchset Bundles, compared with the HTML search
    # (FHIR_VERSUS below). Unauthenticated, but sent the same cookie as the directory pages.
    (
        "FHIR PractitionerRole search, 20 + practitioners",
        "average",
        "/fhir/PractitionerRole?_include=PractitionerRole:practitioner",
        '"searchset"',
        None,
    ),
    (
        "FHIR PractitionerRole, network + state",
        "average",
        (
            "/fhir/PractitionerRole?network=network-{payer_pk}&location.address-state=NY"
            "&_include=PractitionerRole:practitioner"
        ),
        '"searchset"',
        None,
    ),
    (
        "FHIR PractitionerRole, 50 + every include",
        "average",
        (
            "/fhir/PractitionerRole?_count=50&_include=PractitionerRole:practitioner"
            "&_include=PractitionerRole:location&_include=PractitionerRole:network"
            "&_include=PractitionerRole:organization&_include=PractitionerRole:service"
        ),
        '"searchset"',
        None,
    ),
]
# Each FHIR search over the HTML search page it answers the same question as.
FHIR_VERSUS = {
    "FHIR PractitionerRole search, 20 + practitioners": "directory search, no filter",
    "FHIR PractitionerRole, network + state": "directory search, payer + state",
    "FHIR PractitionerRole, 50 + every include": "directory search, no filter",
}
BARE, FLOOR = "bare view (/bench/bare/)", "floor page (/bench/floor/)"


def parse_args():
    parser = argument_parser(__doc__)
    add_sizes(parser, "10000,100000")
    add_rounds(parser, 3)
    parser.add_argument("--seconds", type=float, default=3.0, help="wrk run per page and round (default 3)")
    add_keep(parser, databases=True)
    parser.add_argument(
        "--pages",
        metavar="SUBSTR[,SUBSTR]",
        help="measure only the pages whose name contains one of these (any case); the two baselines always",
    )
    parser.add_argument(
        "--p95", action="store_true", help="also print each page's p95 (from the same wrk runs)"
    )
    parser.add_argument("--one-size", type=int, help=argparse.SUPPRESS)  # the child process of one size
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parse_arguments(parser)
    args.chosen = chosen_pages(args.pages)
    return args


def chosen_pages(pages: str | None) -> list[tuple[str, str, str, str, float | None]]:
    """PAGES, or those whose name contains one of the comma-separated substrings."""
    if not pages:
        return PAGES
    wanted = [part.strip().casefold() for part in pages.split(",") if part.strip()]
    chosen = [page for page in PAGES if any(part in page[0].casefold() for part in wanted)]
    check(bool(chosen), f"--pages {pages!r} names none of: {'; '.join(name for name, *_ in PAGES)}")
    return chosen


# ---------------------------------------------------------------------------------------------
# HTTP against the gunicorn under test


def get(path: str, cookie: str, port: int, timeout: float = 120) -> tuple[int, bytes, float]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    return response.status, body, time.perf_counter() - started


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


# wrk's --latency prints 50, 75, 90 and 99 %: the 95th comes from its Lua hook at the end of a run.
_P95_SCRIPT = """done = function(summary, latency, requests)
  io.write(string.format("p95 %d us\\n", latency:percentile(95.0)))
end
"""


def wrk_latency(
    path: str, cookie: str, port: int, duration: float, *, p95: bool = False
) -> tuple[float, int, float | None]:
    """p50 in ms and the number of answers, from wrk's latency distribution; with p95, the 95th
    percentile in ms too (else None)."""
    with tempfile.NamedTemporaryFile("w", prefix="bench-wrk-", suffix=".lua") as script:
        script.write(_P95_SCRIPT)
        script.flush()
        command = [
            *("wrk", "-t1", "-c2", f"-d{max(1, round(duration))}s", "--timeout", "60s", "--latency"),
            *(("-s", script.name) if p95 else ()),
            *("-H", f"Cookie: {cookie}", f"http://127.0.0.1:{port}{path}"),
        ]
        output = subprocess.run(  # noqa: S603 - wrk and our own URL
            command, capture_output=True, text=True, check=True, timeout=duration + 90
        ).stdout
    found = re.search(r"^\s*50%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    answered = re.search(r"(\d+) requests in", output)
    check(found is not None and answered is not None, f"no latency distribution from wrk:\n{output}")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    check(bad is None, f"{path} answered errors under load:\n{output}")
    high = None
    if p95:
        tail = re.search(r"^p95 (\d+) us$", output, re.MULTILINE)
        check(tail is not None, f"no p95 from wrk's script:\n{output}")
        high = int(tail.group(1)) / 1000
    return float(found.group(1)) * _UNITS[found.group(2)], int(answered.group(1)), high


def drain(port: int, cookie: str, bare_ms: float) -> None:
    """Wait until both workers are idle: after a pause, a bare request answered fast (two in a
    row, so both workers are free); at most 120 s."""
    time.sleep(0.2)
    deadline = time.monotonic() + 120
    fast = 0
    while time.monotonic() < deadline and fast < 2:
        _, _, took = get("/bench/bare/", cookie, port)
        fast = fast + 1 if took * 1000 < max(3 * bare_ms, 20) else 0
        if not fast:
            time.sleep(0.2)


class Gunicorn:
    def __init__(self, env: dict, port: int):
        self.port = port
        self.log = tempfile.NamedTemporaryFile("w+", prefix="bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        command = [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "alma.wsgi",
        ]
        self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                get("/bench/bare/", "", port, timeout=5)
                return
            except OSError:
                check(self.process.poll() is None, f"gunicorn stopped; its log: {self.log.name}")
                time.sleep(0.3)
        raise SystemExit(f"Benchmark aborted: gunicorn did not answer in 60 s; its log: {self.log.name}")

    def workers(self) -> list[int]:
        return child_pids(self.process.pid)

    def stop(self) -> None:
        stop_process(self.process)


# ---------------------------------------------------------------------------------------------
# One size, in a process of its own (Django is set up once per process, on one database)


def one_size(n: int, args) -> dict:
    url = f"{SERVER}/{DATABASE_PREFIX}_{label(n)}"
    with own_database(url, keep=args.keep, announce=f"\n## {n:,} providers: database {{url}} (recreated)"):
        # gunicorn gets this process's environment: the same database, settings and broker.
        setup_django(url, CELERY_BROKER_URL=BROKER, DJANGO_DEBUG="false")
        return _measure_size(n, args, dict(os.environ))


def _measure_size(n: int, args, env: dict) -> dict:
    from benchmarks._dataset import load_national  # noqa: PLC0415
    from credentialing.models import Payer  # noqa: PLC0415
    from directory import selectors  # noqa: PLC0415
    from directory.models import DirectoryProfile  # noqa: PLC0415

    migrate()
    started = time.perf_counter()
    loaded = load_national(n, selectors.company_today(), random.Random(14))  # noqa: S311 - repeatable data
    load_seconds = time.perf_counter() - started
    check(loaded["staff_mfa"], "the staff user did not pass the authenticator-code step")
    out(
        f"Loaded in {load_seconds:.1f} s: {loaded['providers']:,} providers, "
        f"{loaded['live']:,} live profiles "
        f"(fair_rank {'written' if loaded['fair_rank'] else 'not in this code'}), "
        f"{loaded['applications']:,} payer applications, {loaded['events']:,} step and payer-application "
        f"events, {loaded['outbox']:,} outbox rows, "
        f"{loaded['waiting_for_review']:,} forms waiting for review; "
        f"heaviest provider: {loaded['heaviest_payers']} payers, {loaded['heaviest_rows']} timeline rows"
    )
    sessions = {name: f"sessionid={value}" for name, value in loaded["sessions"].items()}
    profile = DirectoryProfile.objects.get(slug=loaded["profile_slug"])
    first_payer = Payer.objects.order_by("pk").values("pk", "slug")[0]
    fill = {
        "payer": first_payer["slug"],
        "payer_pk": first_payer["pk"],
        "slug": profile.slug,
        "name": profile.display_name,
        **loaded["paths"],
    }
    pages = [
        (name, sessions[who], path.format(**fill), must.format(**fill), target)
        for name, who, path, must, target in args.chosen
    ]

    counts = query_counts(pages, sessions["average"])
    from django.db import connections  # noqa: PLC0415

    connections.close_all()

    server = Gunicorn(env, PORT)
    try:
        p50s, answers, p95s = under_load(server, pages, sessions["average"], args)
    finally:
        server.stop()
    memory = mixed_memory(env, pages, sessions["average"])
    return {
        "n": n,
        "loaded": {k: v for k, v in loaded.items() if k not in ("sessions", "paths")},
        "load_seconds": load_seconds,
        "p50": p50s,
        **({"p95": p95s} if args.p95 else {}),
        "answers": answers,
        "queries": counts,
        "memory": memory,
    }


def query_counts(pages, cookie: str) -> dict:
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    counts = {}
    baselines = [(BARE, cookie, "/bench/bare/"), (FLOOR, cookie, "/bench/floor/")]
    for name, page_cookie, path in [*baselines, *((name, c, path) for name, c, path, _, _ in pages)]:
        client = session_client(page_cookie.split("=", 1)[1])
        client.get(path)  # warm: templates compiled, caches filled as in a running worker
        shares, numbers = [], []
        for _ in range(5):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path)
                took = time.perf_counter() - started
            check(response.status_code == 200, f"{name}: {path} answered {response.status_code} in process")
            numbers.append(len(captured.captured_queries))
            shares.append(sum(float(q["time"]) for q in captured.captured_queries) / took)
        counts[name] = {"queries": max(numbers), "sql_share": statistics.median(shares)}
    return counts


def under_load(server: Gunicorn, pages, cookie: str, args) -> tuple[dict, dict, dict]:
    port = server.port
    # Each page answers 200 with its own content, not a redirect to sign-in; its single-request
    # time decides how long a wrk run must be to see at least 3 answers.
    single = {}
    for name, page_cookie, path, must, _ in pages:
        for _ in range(2):
            status, body, took = get(path, page_cookie, port)
        check(status == 200, f"{name}: {path} answered {status}")
        check(must.encode() in body, f"{name}: {path} does not say {must!r}")
        single[name] = took
    runs = [
        (BARE, cookie, "/bench/bare/"),
        (FLOOR, cookie, "/bench/floor/"),
        *((name, c, path) for name, c, path, _, _ in pages),
    ]
    for _name, c, path in runs:  # warm-up
        wrk_latency(path, c, port, 1)
        drain(port, cookie, 50)
    p50s: dict[str, list[float]] = {name: [] for name, _, _ in runs}
    p95s: dict[str, list[float | None]] = {name: [] for name, _, _ in runs}
    answers: dict[str, list[int]] = {name: [] for name, _, _ in runs}
    for round_number in range(1, args.rounds + 1):
        round_started = time.perf_counter()
        for name, c, path in runs:
            duration = min(30.0, max(args.seconds, 3 * single.get(name, 0)))
            p50, answered, p95 = wrk_latency(path, c, port, duration, p95=args.p95)
            if answered < MIN_ANSWERS:
                # Too slow for wrk's run to see enough answers: time that many one after another.
                drain(port, cookie, p50s[BARE][-1])
                times = [get(path, c, port)[2] * 1000 for _ in range(MIN_ANSWERS)]
                p50, p95 = statistics.median(times), percentile(times, 95)
                answered = MIN_ANSWERS
            p50s[name].append(p50)
            p95s[name].append(p95)
            answers[name].append(answered)
            drain(port, cookie, p50s[BARE][-1])
        out(f"  round {round_number}: {time.perf_counter() - round_started:.0f} s")
    return p50s, answers, p95s


def mixed_memory(env: dict, pages, cookie: str) -> dict:
    """A fresh gunicorn, 1,000 mixed requests over 2 connections (or 120 s), then each worker's peak RSS."""
    server = Gunicorn(env, PORT + 1)
    done = 0
    lock = threading.Lock()
    deadline = time.monotonic() + MIXED_SECONDS
    mix = [(c, path) for _, c, path, _, _ in pages] + [(cookie, "/bench/floor/")]

    def client(offset: int) -> None:
        nonlocal done
        index = offset
        while time.monotonic() < deadline:
            with lock:
                if done >= MIXED_REQUESTS:
                    return
                done += 1
            c, path = mix[index % len(mix)]
            get(path, c, server.port)
            index += 1

    try:
        threads = [threading.Thread(target=client, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        peaks = [peak_rss_mb(pid) for pid in server.workers()]
    finally:
        server.stop()
    return {"requests": done, "peak_rss_mb": peaks}


# ---------------------------------------------------------------------------------------------
# The tables


def print_size(result: dict) -> None:
    p50 = result["p50"]
    n = label(result["n"])
    rows = []
    for name in p50:
        rows.append(
            [
                name,
                f"{statistics.median(p50[name]):.1f}",
                *p95_cell(result, name),
                str(ratios(p50[name], p50[BARE])),
                str(ratios(p50[name], p50[FLOOR])),
                f"{min(result['answers'][name])}",
            ]
        )
    out(f"\nPages at {n} (p50 per wrk run; ratios per round, median (min-max, N rounds)):")
    table(["page", "p50 ms", *p95_header(result), "÷ bare", "÷ floor", "answers per run (min)"], rows)


def p95_header(result: dict, suffix: str = "") -> list[str]:
    """The p95 column's header, where --p95 measured it."""
    return [f"p95 ms{suffix}"] if "p95" in result else []


def p95_cell(result: dict, name: str) -> list[str]:
    """The page's p95 (median over the rounds), where --p95 measured it."""
    return [f"{statistics.median(result['p95'][name]):.1f}"] if "p95" in result else []


def print_summary(results: list[dict]) -> None:
    small, large = results[0], results[-1]
    names = list(small["p50"])
    targets = {name: target for name, *_, target in PAGES}
    headers = ["page"]
    for result in results:
        n = label(result["n"])
        headers += [f"p50 ms {n}", *p95_header(result, f" {n}"), f"÷ bare {n}", f"÷ floor {n}"]
    if len(results) > 1:
        headers.append(f"÷ floor {label(large['n'])} ÷ {label(small['n'])} (≤ {FLAT})")
    headers.append("target ÷ floor: met?")
    rows = []
    for name in names:
        row = [name]
        floor_ratios: list[Ratio] = []
        for result in results:
            p50 = result["p50"]
            floor_ratio = ratios(p50[name], p50[FLOOR])
            floor_ratios.append(floor_ratio)
            row += [
                f"{statistics.median(p50[name]):.1f}",
                *p95_cell(result, name),
                str(ratios(p50[name], p50[BARE])),
                str(floor_ratio),
            ]
        if len(results) > 1:
            growth = floor_ratios[-1].median / floor_ratios[0].median
            row.append(f"{growth:.2f} {'yes' if growth <= FLAT else 'NO'}")
        target = targets.get(name)
        if target is None:
            row.append("-")
        else:
            worst = max(r.median for r in floor_ratios)
            row.append(f"≤ {target}x: {'yes' if worst <= target else 'NO'} ({worst:.2f}x)")
        rows.append(row)
    out("\n### Pages under load (gunicorn, 2 sync workers, wrk -t1 -c2, loopback)")
    table(headers, rows)

    out("\n### Query counts per page (in process), and the share of the request spent in SQL")
    headers = ["page"]
    for result in results:
        headers += [f"queries {label(result['n'])}", f"SQL share {label(result['n'])}"]
    headers.append("equal?")
    rows = []
    for name in small["queries"]:
        row = [name]
        for result in results:
            q = result["queries"][name]
            row += [str(q["queries"]), f"{q['sql_share']:.0%}"]
        equal = len({r["queries"][name]["queries"] for r in results}) == 1
        row.append("yes" if equal else "NO")
        rows.append(row)
    table(headers, rows)

    print_fhir(results)
    print_memory(results)


def print_fhir(results: list[dict]) -> None:
    """Issue 15's line: each FHIR Bundle's p50 (and p95, with --p95) over its HTML search's, per
    round, at each size."""
    pairs = [(f, h) for f, h in FHIR_VERSUS.items() if f in results[0]["p50"] and h in results[0]["p50"]]
    if not pairs:
        return
    headers = ["FHIR search ÷ HTML search"]
    for result in results:
        n = label(result["n"])
        headers += [f"live {n}", f"p50 ratio {n}", *(["p95 ratio " + n] if "p95" in result else [])]
    rows = []
    for fhir, html in pairs:
        row = [f"{fhir} ÷ {html}"]
        for result in results:
            row += [f"{result['loaded']['live']:,}", str(ratios(result["p50"][fhir], result["p50"][html]))]
            if "p95" in result:
                row.append(str(ratios(result["p95"][fhir], result["p95"][html])))
        rows.append(row)
    out("\n### The FHIR directory API against the directory's HTML search (same run, same rounds)")
    table(headers, rows)


def print_memory(results: list[dict]) -> None:
    small, large = results[0], results[-1]
    out(
        f"\n### Peak RSS of each gunicorn worker after {MIXED_REQUESTS:,} mixed requests "
        f"(or {MIXED_SECONDS} s)"
    )
    rows = []
    for result in results:
        memory = result["memory"]
        rows.append(
            [
                label(result["n"]),
                str(memory["requests"]),
                ", ".join(f"{mb:.1f}" for mb in memory["peak_rss_mb"]),
            ]
        )
    table(["size", "requests", "peak RSS per worker, MB"], rows)
    if len(results) > 1:
        growth = max(large["memory"]["peak_rss_mb"]) / max(small["memory"]["peak_rss_mb"])
        out(
            f"\nLargest worker's peak, {label(large['n'])} ÷ {label(small['n'])}: {growth:.2f} "
            f"({'within' if abs(growth - 1) <= MEMORY_FLAT else 'NOT within'} {MEMORY_FLAT:.0%})"
        )
        short = [label(r["n"]) for r in results if r["memory"]["requests"] < MIXED_REQUESTS]
        if short:
            # A slow page in the mix ends the run at MIXED_SECONDS: the sizes did different work.
            out(f"  Not comparable: fewer than {MIXED_REQUESTS:,} requests at {', '.join(short)}.")


def main() -> None:
    args = parse_args()
    if args.one_size:
        result = one_size(args.one_size, args)
        print_size(result)
        Path(args.result).write_text(json.dumps(result))
        return
    check(shutil.which("wrk") is not None, "wrk is missing: apt-get install wrk")
    sizes = sizes_of(args.sizes)
    total = time.perf_counter()
    out(
        f"Pages benchmark: sizes {', '.join(label(n) for n in sizes)}, {args.rounds} rounds, "
        f"{args.seconds:g} s per run"
        + (f"; only {', '.join(name for name, *_ in args.chosen)}" if args.pages else "")
    )
    out(f"Machine: {os.cpu_count()} CPUs, {_machine()}")
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as folder:
        for n in sizes:
            result_file = Path(folder) / f"{n}.json"
            command = [
                sys.executable,
                __file__,
                "--one-size",
                str(n),
                "--result",
                str(result_file),
                "--rounds",
                str(args.rounds),
                "--seconds",
                str(args.seconds),
                *(["--keep"] if args.keep else []),
                *(["--pages", args.pages] if args.pages else []),
                *(["--p95"] if args.p95 else []),
            ]
            subprocess.run(command, check=True)  # noqa: S603 - this script, one size
            results.append(json.loads(result_file.read_text()))
    print_summary(results)
    out(f"\nTotal {time.perf_counter() - total:.0f} s")


def _machine() -> str:
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        model = "unknown CPU"
    return f"{model}, Python {sys.version.split()[0]}"


if __name__ == "__main__":
    main()
