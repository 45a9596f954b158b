"""Outbox benchmark (not a test): email delivery through a real Celery worker and Redis.

    .venv/bin/python benchmarks/outbox_benchmark.py                            # about 3 minutes
    .venv/bin/python benchmarks/outbox_benchmark.py --providers 10000,100000   # both sizes, ~10 min
    .venv/bin/python benchmarks/outbox_benchmark.py --providers 10000 --rounds 5 --emails 2000 --keep

For each --providers size it creates its own PostgreSQL database (alma_bench_outbox_10k,
alma_bench_outbox_100k, ...: dropped and created again, dropped at the end unless --keep;
--reuse takes kept ones as they are; --database-prefix or BENCH_DATABASE_PREFIX renames them,
e.g. alma_bench_mine gives alma_bench_mine_10k; the server is BENCH_DATABASE_SERVER, default
postgres://postgres@127.0.0.1:5432), migrates it and
loads with COPY the directory's data set (benchmarks/_dataset.load_directory) plus about 4.7
outbox rows per provider (470,000 at 100k), all sent, and a batch of --emails unsent General
Onboarding emails, one per provider.

It starts two real `celery -A alma worker` processes (prefork, --concurrency 2, `-l info` as in
docker-compose) on Redis db 13 (BENCH_BROKER_URL; emptied first), with production settings
(benchmarks.settings) and anymail's test backend, and `-I benchmarks.worker_tasks` for the
no-op task. One runs with the shipped CELERY_DB_REUSE_MAX, the other with it at 0 (Celery's
default: the database connection is closed before and after every task). Each worker idles on
a queue of its own; a measurement fills the `bench` queue first, then tells one worker to
consume it and stops the clock when the queue and Redis' unacked set are both empty, so the
figure is the worker's rate, not the publisher's. Between measurements the batch is made unsent
again (and the table vacuumed), so every measurement sends the same --emails rows.

Measured in turn, every round (A B C D A B C D, --rounds rounds, at least 3):
  A  no-op task, one per row (the baseline)
  B  per-row send task (onboarding.tasks.send_outbox_email, what every commit queues)
  C  the sweep path: one send_unsent_emails task sending the whole batch (one process)
  D  per-row send task on the worker with CELERY_DB_REUSE_MAX=0 (what it was)
It prints, per size, the rates ÷ the no-op rate of the same round (median, min-max, N) with the
emails/s beside them, and the peak RSS (VmHWM) of the reusing worker's child processes after the
first round's 2,000 emails and at the end; with two sizes, the RSS of the larger ÷ the smaller.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import (  # noqa: E402
    alternate,
    check,
    copy_rows,
    drop_database,
    out,
    ratios,
    recreate_database,
    reset_sequences,
    table,
)
from benchmarks._dataset import load_directory  # noqa: E402

SERVER = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13")
BENCH_QUEUE = "bench"
BATCH_KEY = "bench-batch"
ROWS_PER_PROVIDER = 4.7  # the 470k outbox rows at 100k providers
TARGET = 0.4  # per-row sends ÷ no-op tasks (issue 14)
SEND_ONE = "onboarding.tasks.send_outbox_email"
SEND_UNSENT = "onboarding.tasks.send_unsent_emails"
NOOP = "benchmarks.noop"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--providers", default="10000", help="sizes, comma-separated (default 10000)")
    parser.add_argument("--emails", type=int, default=2000, help="emails per measurement (default 2000)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (default 3, at least 3)")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark databases afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="use kept databases as they are (no reload; implies --keep)"
    )
    parser.add_argument(
        "--database-prefix",
        default=os.environ.get("BENCH_DATABASE_PREFIX", "alma_bench_outbox"),
        help="databases are <prefix>_10k, ... (default alma_bench_outbox, or BENCH_DATABASE_PREFIX; "
        "must start with alma_bench), so two people's runs on one server do not clash",
    )
    args = parser.parse_args()
    check(args.database_prefix.startswith("alma_bench"), "--database-prefix must start with alma_bench")
    args.sizes = [int(size) for size in args.providers.split(",")]
    args.rounds = max(3, args.rounds)
    return args


def database_url(prefix: str, providers: int) -> str:
    size = f"{providers // 1000}k" if providers % 1000 == 0 else str(providers)
    return f"{SERVER}/{prefix}_{size}"


# ---------------------------------------------------------------------------------------------
# Loading


def load_outbox(providers: int, emails: int, rng: random.Random) -> dict:
    """~4.7 sent outbox rows per provider over the registered kinds, and the unsent batch."""
    from django.db import connection  # noqa: PLC0415

    from onboarding import email_kinds  # noqa: PLC0415
    from onboarding.emails import GENERAL_ONBOARDING  # noqa: PLC0415
    from onboarding.models import OutboxEmail  # noqa: PLC0415

    codes = [kind.code for kind in email_kinds.kinds()]
    now = datetime.now(UTC)
    batch = set(rng.sample(range(1, providers + 1), emails))
    background = round(providers * ROWS_PER_PROVIDER) - emails

    def rows():
        row_id = 0
        per_provider, extra = divmod(background, providers)
        for provider_id in range(1, providers + 1):
            count = per_provider + (provider_id <= extra)
            for code in rng.sample(codes, count):
                row_id += 1
                created = now - timedelta(days=rng.randint(1, 700), minutes=rng.randint(0, 1440))
                sent = created + timedelta(seconds=rng.randint(1, 120))
                yield (
                    *(row_id, provider_id, code, "", 0, f"bench{provider_id}@example.com", {}),
                    *(f"<bench-{row_id}@alma.test>", created, created + timedelta(days=1), 1, sent),
                    *(f"esp-{row_id}", ""),
                )
        for provider_id in sorted(batch):
            row_id += 1
            yield (
                *(row_id, provider_id, GENERAL_ONBOARDING, BATCH_KEY, 0, f"bench{provider_id}@example.com"),
                *({}, f"<bench-{row_id}@alma.test>", now, now + timedelta(days=1), 0, None, "", ""),
            )

    total = copy_rows(
        OutboxEmail,
        [
            *("id", "provider_id", "step", "key", "resend", "to_email", "context", "message_id"),
            *("created_at", "due_at", "attempts", "sent_at", "esp_message_id", "last_error"),
        ],
        rows(),
    )
    reset_sequences(OutboxEmail)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE onboarding_outboxemail")
    return {"outbox rows": total, "batch": emails}


def load(args, providers: int) -> None:
    from django.core.management import call_command  # noqa: PLC0415

    rng = random.Random(14)  # noqa: S311 - a repeatable data set, not a secret
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    directory = load_directory(providers, datetime.now(UTC).date(), rng)
    outbox = load_outbox(providers, args.emails, rng)
    out(
        f"Loaded {directory['providers']:,} providers, {outbox['outbox rows']:,} outbox rows "
        f"({outbox['batch']:,} of them the unsent batch) in {time.perf_counter() - started:.0f} s"
    )


def reset_batch() -> list[int]:
    """Make the batch unsent again, as it was loaded, and vacuum what that left behind."""
    from django.db import connection  # noqa: PLC0415

    from onboarding.models import OutboxEmail  # noqa: PLC0415

    batch = OutboxEmail.objects.filter(key=BATCH_KEY)
    batch.update(sent_at=None, claimed_until=None, next_attempt_at=None, attempts=0, esp_message_id="")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE onboarding_outboxemail")
    return list(batch.order_by("pk").values_list("pk", flat=True))


def unsent_in_batch() -> int:
    from onboarding.models import OutboxEmail  # noqa: PLC0415

    return OutboxEmail.objects.filter(key=BATCH_KEY, sent_at__isnull=True).count()


# ---------------------------------------------------------------------------------------------
# The workers


class Worker:
    """One `celery -A alma worker` process, idle on a queue of its own until told to consume."""

    def __init__(self, name: str, *, url: str, concurrency: int, log_dir: Path, reuse_max: str | None):
        self.name = name
        self.hostname = f"{name}@bench"
        self.log = log_dir / f"{name}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
            "DATABASE_URL": url,
            "CELERY_BROKER_URL": BROKER,
            "EMAIL_BACKEND": "anymail.backends.test.EmailBackend",
        }
        if reuse_max is not None:
            env["CELERY_DB_REUSE_MAX"] = reuse_max
        with self.log.open("w") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own fixed command line
                [sys.executable, "-m", "celery", "-A", "alma", "worker", "-l", "info",
                 "--pool=prefork", f"--concurrency={concurrency}", "-n", self.hostname,
                 "-Q", f"idle-{name}", "-I", "benchmarks.worker_tasks",
                 "--without-gossip", "--without-mingle", "--without-heartbeat"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + 90
        while "ready." not in (log_text := self.log.read_text()):
            check(self.process.poll() is None, f"worker {name} exited:\n{log_text[-3000:]}")
            check(time.monotonic() < deadline, f"worker {name} did not start:\n{log_text[-3000:]}")
            time.sleep(0.2)

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def peak_rss_mb(self) -> float:
        """The largest VmHWM (peak resident set) among the worker's child processes, in MB."""
        peaks = []
        for pid in self.children():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return max(peaks)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def drained(client) -> bool:
    # kombu's Redis transport keeps a delivered, not yet acknowledged message in "unacked"
    # (tasks are acked late): both empty means every task has finished.
    return client.llen(BENCH_QUEUE) == 0 and client.hlen("unacked") == 0


def consume(worker: Worker, client, *, done, what: str) -> float:
    """Let `worker` consume the filled bench queue; seconds until `done()` and drained."""
    from alma.celery import app  # noqa: PLC0415

    started = time.perf_counter()
    app.control.add_consumer(BENCH_QUEUE, destination=[worker.hostname], reply=True, timeout=5)
    deadline = started + 600
    while not (drained(client) and done()):
        check(time.perf_counter() < deadline, f"{what} did not finish within 10 minutes")
        time.sleep(0.01)
    elapsed = time.perf_counter() - started
    app.control.cancel_consumer(BENCH_QUEUE, destination=[worker.hostname], reply=True, timeout=5)
    return elapsed


def publish(name: str, args_list: list[tuple]) -> None:
    from alma.celery import app  # noqa: PLC0415

    with app.producer_or_acquire() as producer:
        for task_args in args_list:
            app.send_task(name, args=task_args, queue=BENCH_QUEUE, producer=producer)


def per_row(worker: Worker, client, task: str, *, sends: bool) -> float:
    """Emails (or no-op tasks) per second: one task per batch row."""
    ids = reset_batch()
    publish(task, [(pk,) for pk in ids])
    elapsed = consume(worker, client, done=lambda: not sends or unsent_in_batch() == 0, what=task)
    if sends:
        check(unsent_in_batch() == 0, f"{task} left emails unsent")
    return len(ids) / elapsed


def sweep(worker: Worker, client) -> float:
    """Emails per second of one send_unsent_emails task over the whole batch."""
    ids = reset_batch()
    publish(SEND_UNSENT, [()])
    elapsed = consume(worker, client, done=lambda: unsent_in_batch() == 0, what=SEND_UNSENT)
    return len(ids) / elapsed


# ---------------------------------------------------------------------------------------------


def measure(args, providers: int, url: str, log_dir: Path) -> dict:
    import redis  # noqa: PLC0415
    from django.conf import settings  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415

    client = redis.Redis.from_url(BROKER)
    client.flushdb()
    reusing = Worker("reuse", url=url, concurrency=args.concurrency, log_dir=log_dir, reuse_max=None)
    closing = Worker("close", url=url, concurrency=args.concurrency, log_dir=log_dir, reuse_max="0")
    try:
        # Warm both: each child imports, opens its connection, caches its templates.
        per_row(reusing, client, SEND_ONE, sends=True)
        per_row(closing, client, SEND_ONE, sends=True)
        rss = {}

        def send_and_note_rss() -> float:
            rate = per_row(reusing, client, SEND_ONE, sends=True)
            rss.setdefault("first", reusing.peak_rss_mb())
            return rate

        started = time.perf_counter()
        figures = alternate(
            args.rounds,
            {
                "noop": lambda: per_row(reusing, client, NOOP, sends=False),
                "per-row": send_and_note_rss,
                "sweep": lambda: sweep(reusing, client),
                "per-row, close": lambda: per_row(closing, client, SEND_ONE, sends=True),
            },
        )
        took = time.perf_counter() - started
        rss["end"] = reusing.peak_rss_mb()
    finally:
        reusing.stop()
        closing.stop()
        connection.close()

    n = args.emails
    reuse_max = getattr(settings, "CELERY_DB_REUSE_MAX", None)
    max_age = settings.DATABASES["default"]["CONN_MAX_AGE"]
    out(
        f"\n{providers:,} providers: {n:,} emails per measurement, worker prefork --concurrency "
        f"{args.concurrency}, CELERY_DB_REUSE_MAX={reuse_max!r} (shipped) vs 0, "
        f"CONN_MAX_AGE={max_age}; {args.rounds} rounds in {took:.0f} s\n"
    )
    rows = []
    for name, label in [
        ("noop", "no-op task, one per row (baseline)"),
        ("per-row", "per-row send task (send_outbox_email)"),
        ("sweep", "sweep path (one send_unsent_emails task)"),
        ("per-row, close", "per-row send task, CELERY_DB_REUSE_MAX=0"),
    ]:
        ratio = ratios(figures[name], figures["noop"])
        target = "" if name in ("noop", "per-row, close") else ("yes" if ratio.median >= TARGET else "**no**")
        rows.append((label, str(ratio), target, f"{statistics.median(figures[name]):.0f}"))
    table(["measure", "rate ÷ no-op (median, min-max, N)", f"≥ {TARGET}x", "per s (median)"], rows)
    gain = ratios(figures["per-row"], figures["per-row, close"])
    out(f"\nPer-row sends, shipped reuse ÷ reuse off: {gain}")
    out(
        f"Peak RSS (VmHWM) of the reusing worker's largest child: {rss['first']:.1f} MB after the "
        f"first round's {n:,} emails, {rss['end']:.1f} MB at the end ({(args.rounds * 2 + 1) * n:,} "
        "emails and the no-op tasks)"
    )
    return {"figures": figures, "rss": rss}


def main() -> None:
    args = parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    os.environ["CELERY_BROKER_URL"] = BROKER
    os.environ["DJANGO_DEBUG"] = "false"
    results = {}
    with tempfile.TemporaryDirectory(prefix="outbox-bench-") as log_dir:
        for providers in args.sizes:
            url = database_url(args.database_prefix, providers)
            os.environ["DATABASE_URL"] = url
            if not args.reuse:
                out(f"Benchmark database: {url} (recreated)")
                recreate_database(url)
            else:
                out(f"Benchmark database: {url} (reused as it was kept)")
            try:
                import django  # noqa: PLC0415
                from django.conf import settings  # noqa: PLC0415
                from django.db import connection  # noqa: PLC0415

                if not settings.configured:
                    django.setup()
                connection.close()
                # The second size: the same process, pointed at that size's database.
                name = url.rsplit("/", 1)[1]
                settings.DATABASES["default"]["NAME"] = connection.settings_dict["NAME"] = name
                if not args.reuse:
                    load(args, providers)
                results[providers] = measure(args, providers, url, Path(log_dir))
            finally:
                from django.db import connection  # noqa: PLC0415

                connection.close()
                if not args.keep and not args.reuse:
                    drop_database(url)
    if len(results) > 1:
        small, large = min(results), max(results)
        out(f"\nPeak RSS of the worker's largest child, {large:,} ÷ {small:,} providers (within 10 %?):\n")
        rows = []
        for moment in ("first", "end"):
            a, b = results[small]["rss"][moment], results[large]["rss"][moment]
            flat = "yes" if abs(b / a - 1) <= 0.10 else "**no**"
            rows.append((moment, f"{a:.1f}", f"{b:.1f}", f"{b / a:.3f}", flat))
        table(["after", f"{small:,} MB", f"{large:,} MB", "ratio", "within 10 %"], rows)
        out("\nPer-row sends ÷ no-op, by size (median of the rounds):")
        for providers, result in results.items():
            out(f"- {providers:,}: {ratios(result['figures']['per-row'], result['figures']['noop'])}")


if __name__ == "__main__":
    main()
