"""What every benchmark shares: its own database, COPY loading, and same-run ratios.

Every figure a benchmark prints is a ratio against a baseline measured in the same run, A B A B,
so it can be read on any machine: the median over the rounds, the min-max, and N. Absolute
times are printed beside them only as context.

A script starts with one line that puts the repository on sys.path (it runs as a file, not as
a module), then takes the rest from here: its options (`argument_parser`, `add_*`,
`parse_arguments`), its database (`own_database`, `bench_database_url`), Django
(`setup_django`, `migrate`), its clients (`signed_in_client`, `session_client`), its timings
(`p50_of`, `query_count`, `rolled_back`) and its tables (`ratio_row`, `RATIO_HEADERS`).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
MIN_ROUNDS = 3  # a median and a min-max need at least three rounds


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def check(condition: bool, problem: str) -> None:
    if not condition:
        raise SystemExit(f"Benchmark aborted: {problem}")


# ---------------------------------------------------------------------------------------------
# A database of its own


def _checked_name(url: str) -> str:
    name = urlparse(url).path.lstrip("/")
    if not name.replace("_", "").isalnum() or not name.startswith("alma_bench"):
        raise SystemExit(f"Refusing a benchmark database not named alma_bench...: {name!r}")
    return name


def recreate_database(url: str) -> None:
    """Drop and create the benchmark's database (its name must start with alma_bench)."""
    import psycopg  # noqa: PLC0415

    name = _checked_name(url)
    maintenance = urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg  # noqa: PLC0415

    name = _checked_name(url)
    maintenance = urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def copy_rows(model, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPY rows (tuples in `columns` order) into the model's table; JSON given as Python lists
    or dicts. Returns the number of rows.

    Columns not named that have a default in the model get it (a callable default is called
    once), so a field added later with a default does not break the loaders.
    """
    from django.db import connection  # noqa: PLC0415

    named = set(columns)
    defaults = []
    for field in model._meta.concrete_fields:
        if field.column in named or field.attname in named or field.primary_key or not field.has_default():
            continue
        defaults.append((field.column, field.get_db_prep_save(field.get_default(), connection)))
    all_columns = [*columns, *(column for column, _ in defaults)]
    tail = [value for _, value in defaults]
    table = model._meta.db_table
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(all_columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([json.dumps(v) if isinstance(v, list | dict) else v for v in (*row, *tail)])
            count += 1
    return count


def reset_sequences(*models) -> None:
    """After COPY with explicit ids: the next insert gets a fresh id."""
    from django.db import connection  # noqa: PLC0415

    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            # Table names come from the models, not from input.
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"coalesce((SELECT max(id) FROM {table}), 1))"
            )


# ---------------------------------------------------------------------------------------------
# Same-run ratios


@dataclass(frozen=True)
class Ratio:
    """One ratio per round (measure ÷ baseline of the same round)."""

    values: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def __str__(self) -> str:
        return f"{self.median:.2f}x ({min(self.values):.2f}-{max(self.values):.2f}, N={len(self.values)})"


def ratios(measured: Sequence[float], baseline: Sequence[float]) -> Ratio:
    check(len(measured) == len(baseline) and measured, "a ratio needs one baseline per round")
    return Ratio(tuple(m / b for m, b in zip(measured, baseline, strict=True)))


def alternate(rounds: int, measures: dict[str, Callable[[], float]]) -> dict[str, list[float]]:
    """Run every measure once per round, in order (A B A B …); each returns one figure (a time,
    a p50, a rate). Returns the figures per measure, one per round."""
    results: dict[str, list[float]] = {name: [] for name in measures}
    for _ in range(rounds):
        for name, measure in measures.items():
            results[name].append(measure())
    return results


def seconds(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Print an aligned table (Markdown-compatible, so it can be pasted into the README)."""
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for index, row in enumerate(cells):
        out("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
        if index == 0:
            out("|" + "|".join("-" * (w + 2) for w in widths) + "|")


def ms(samples: Sequence[float], digits: int = 1) -> str:
    """The median of timings in seconds, as milliseconds with thousands separators."""
    return f"{statistics.median(samples) * 1000:,.{digits}f}"


# The columns `ratio_row` fills after a row's own labels.
RATIO_HEADERS = ["ratio (median, min-max, N)", "measure ms", "baseline ms"]


def ratio_row(*labels: object, measured: Sequence[float], baseline: Sequence[float], digits: int = 1) -> list:
    """A table row: its labels, then measured ÷ baseline per round and both medians in ms."""
    return [*labels, ratios(measured, baseline), ms(measured, digits), ms(baseline, digits)]


def percentile(samples: Sequence[float], percent: float) -> float:
    """The nearest-rank percentile (with few samples, p95 is the slowest)."""
    ordered = sorted(samples)
    check(bool(ordered), "a percentile needs samples")
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


def size_label(n: int) -> str:
    """10000 -> "10k": the size in database names and table headers."""
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


# ---------------------------------------------------------------------------------------------
# The command line: the options every benchmark spells the same way


def argument_parser(doc: str | None) -> argparse.ArgumentParser:
    """A parser described by the first paragraph of the script's docstring."""
    return argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])


def add_rounds(parser: argparse.ArgumentParser, default: int, description: str | None = None) -> None:
    parser.add_argument(
        "--rounds",
        type=int,
        default=default,
        help=description or f"rounds of A B A B (default {default}, at least {MIN_ROUNDS})",
    )


def add_providers(parser: argparse.ArgumentParser, default: int, description: str | None = None) -> None:
    parser.add_argument("--providers", type=int, default=default, help=description)


def add_sizes(
    parser: argparse.ArgumentParser, default: str, flag: str = "--sizes", description: str | None = None
) -> None:
    """Comma-separated sizes (a string: read them with `sizes_of`)."""
    parser.add_argument(
        flag, default=default, help=description or f"providers per data set (default {default})"
    )


def sizes_of(text: str) -> list[int]:
    return [int(size) for size in text.split(",")]


def add_keep(parser: argparse.ArgumentParser, *, databases: bool = False) -> None:
    what = "databases" if databases else "database"
    parser.add_argument("--keep", action="store_true", help=f"keep the benchmark {what} afterwards")


def add_reuse(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reuse", action="store_true", help="use a kept database as it is (no reload)")


def parse_arguments(parser: argparse.ArgumentParser, *, raise_rounds: bool = False) -> argparse.Namespace:
    """Parse; fewer than MIN_ROUNDS rounds are refused (or, with raise_rounds, raised to it)."""
    args = parser.parse_args()
    if raise_rounds:
        args.rounds = max(MIN_ROUNDS, args.rounds)
    else:
        check(args.rounds >= MIN_ROUNDS, f"--rounds must be at least {MIN_ROUNDS}")
    return args


# ---------------------------------------------------------------------------------------------
# The database's lifecycle and Django


def bench_database_url(name: str) -> str:
    """BENCH_DATABASE_URL, or database `name` on the local server."""
    return os.environ.get("BENCH_DATABASE_URL", f"{DEFAULT_SERVER}/{name}")


@contextmanager
def own_database(
    url: str, *, keep: bool, reuse: bool = False, announce: str = "Benchmark database: {url} (recreated)"
) -> Iterator[None]:
    """The benchmark's database for the block: dropped and created again first (unless reuse:
    a kept one taken as it is), connections closed and dropped after (unless keep or reuse)."""
    if not reuse:
        out(announce.format(url=url))
        recreate_database(url)
    try:
        yield
    finally:
        from django.db import connections  # noqa: PLC0415

        connections.close_all()
        if not keep and not reuse:
            drop_database(url)


def setup_django(url: str, settings: str = "benchmarks.settings", **environ: str) -> None:
    """Django on `url` under `settings` (benchmarks.settings: production's), with any further
    environment variables (e.g. DJANGO_DEBUG="false")."""
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    os.environ.update(environ)
    import django  # noqa: PLC0415

    django.setup()


def migrate(*, report: bool = True) -> None:
    from django.core.management import call_command  # noqa: PLC0415

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if report:
        out(f"Migrated in {time.perf_counter() - started:.1f} s")


# ---------------------------------------------------------------------------------------------
# In-process requests


def signed_in_client(user: Any):
    """Django's test client signed in as `user` (a User or its pk)."""
    from django.test import Client  # noqa: PLC0415

    from accounts.models import User  # noqa: PLC0415

    client = Client()
    client.force_login(user if isinstance(user, User) else User.objects.get(pk=user))
    return client


def session_client(session_key: str):
    """Django's test client carrying an existing session (e.g. one signed in through MFA)."""
    from django.conf import settings  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415

    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client


def p50_of(client, url: str, requests: int) -> float:
    """The median time in seconds of `requests` GETs of `url`, each checked to answer 200."""
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        check(response.status_code == 200, f"{url} answered {response.status_code}")
    return statistics.median(samples)


def query_count(client, url: str) -> int:
    """The queries one GET of `url` runs."""
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured.captured_queries)


class _Rollback(Exception):
    pass


def rolled_back(call: Callable[[], Any]) -> tuple[float, Any]:
    """Time `call()` inside a transaction that is then undone; returns (seconds, result)."""
    from django.db import transaction  # noqa: PLC0415

    result = None
    started = time.perf_counter()
    try:
        with transaction.atomic():
            result = call()
            elapsed = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    return elapsed, result


# ---------------------------------------------------------------------------------------------
# Processes the benchmark starts (gunicorn, Celery workers)


def stop_process(process: subprocess.Popen) -> None:
    """Terminate, and kill after 30 s if it has not stopped."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def child_pids(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise SystemExit(f"Benchmark aborted: no VmHWM for process {pid}")
