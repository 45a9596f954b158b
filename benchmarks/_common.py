"""What every benchmark shares: its own database, COPY loading, and same-run ratios.

Every figure a benchmark prints is a ratio against a baseline measured in the same run, A B A B,
so it can be read on any machine: the median over the rounds, the min-max, and N. Absolute
times are printed beside them only as context.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent


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
