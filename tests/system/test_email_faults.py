"""Email delivery under faults: what the outbox promises, measured with the faults injected.

About 250 providers go through step 1 (agreement recorded, General Onboarding submitted), so
two emails each are queued by the real services. A real `celery worker` (prefork) and a real
`celery beat` (the sweep every 3 s) deliver them through Django's SMTP backend to an SMTP server
run by this test (tests/smtp_sink.py), over a Redis started for this test alone. While the
emails flow, the test injects: SMTP 5xx (permanent, chosen addresses), 4xx (then accepted),
stalls before the message and after it (the reply lost), a stall of every session, SIGKILL of
worker children and of the whole worker (then a restart), a Redis stop and restart, and
pg_terminate_backend of the worker's own database connections. While the kills run, the server
answers "250" 0.4 s after taking a message, so a kill is likely to land in the window.

It then proves:
- no email is lost: every queued email was delivered or failed as refused;
- permanent refusals are failed at once and visible (admin "Refused" filter, the SLA board);
- every other email was delivered before its due_at;
- duplicates (one Message-ID received twice) come only from the documented window (a sender
  stopped after the server took the message), are no more than the faults that can cause
  them, and every one is listed among the possible duplicates (sent after more than one
  attempt).
The figures are printed and saved to test-artifacts/email-faults.md.
"""

import collections
import contextlib
import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from onboarding.models import OutboxEmail
from onboarding.services.outbox import REFUSED, outbox_possible_duplicates
from portal.sla import sla_board
from tests.factories import ProviderFactory, submit_general_onboarding
from tests.helpers import REPO
from tests.smtp_sink import SmtpSink, free_port

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
ARTIFACTS = REPO / "test-artifacts"
CONCURRENCY = 3
# Short enough for CI, in the proportions production keeps (onboarding/checks.py): a send
# waits at most EMAIL_TIMEOUT per reply; tasks end within their limits, well inside the lease.
EMAIL_TIMEOUT = 2
LEASE_SECONDS = 30
STALL = 5  # longer than EMAIL_TIMEOUT: the sender gives up first
SETTLE_SECONDS = 150
# A kill or dropped connection explains a second copy if it came this soon after the server took
# the first: the "250" (0.4 s late while the kills run), QUIT, and marking the row sent.
CAUSE_WINDOW = 1.5

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


@dataclasses.dataclass
class Group:
    """Emails that met one kind of fault, and how many faults of that kind were injected."""

    fault: str
    key: str
    injected: int = 0
    # How many second copies this group's faults can cause at most (the documented window).
    may_duplicate_per_fault: int = 0
    refused: bool = False
    provider_ids: list[int] = dataclasses.field(default_factory=list)
    at: list[float] = dataclasses.field(default_factory=list)  # when a kill or drop was injected


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


class PrivateRedis:
    """A redis-server of this test's own on a free loopback port, with no persistence (as in
    production: the database is the source of truth). Stopping it loses every queued task."""

    def __init__(self, log: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own arguments, no shell
                [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1",
                 "--save", "", "--appendonly", "no"],
                stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        wait_for(lambda: _pings(client), timeout=10, what="the private redis-server")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False


class CeleryProcess:
    """`celery -A alma <command>` with its output in a log file (a pipe nobody reads would fill
    up and stall the process)."""

    def __init__(self, arguments: list[str], *, env: dict, log: Path, ready: str) -> None:
        self.arguments, self.env, self.log, self.ready = arguments, env, log, ready
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        offset = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own arguments, no shell
                [sys.executable, "-m", "celery", "-A", "alma", *self.arguments],
                cwd=REPO, env=self.env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip

        def started() -> bool:
            assert self.process.poll() is None, f"celery {self.arguments[0]} exited:\n{self.tail()}"
            return self.ready in self.log.read_text(errors="replace")[offset:]

        wait_for(started, timeout=60, what=f"celery {self.arguments[0]}")

    def children(self) -> list[int]:
        pid = self.process.pid
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]

    def kill_one_child(self) -> None:
        os.kill(self.children()[0], signal.SIGKILL)

    def kill_all(self) -> None:
        """SIGKILL the worker and every pool process: nothing gets to clean up."""
        children = self.children()
        os.kill(self.process.pid, signal.SIGKILL)
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill_all()

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def terminate_worker_connections(application_name: str) -> int:
    """pg_terminate_backend of the worker's connections only (named by application_name)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = %s AND datname = current_database() AND pid <> pg_backend_pid()",
            [application_name],
        )
        return cursor.fetchone()[0]


def queue_providers(group: Group, count: int, *, first: int = 0) -> None:
    """Step 0 and step 1 through the real services: two emails per provider, each published
    to the broker when its transaction commits."""
    for index in range(first, first + count):
        provider = ProviderFactory(
            email=f"{group.key}-{index}@faults.test", legal_name=f"{group.fault} {index}"
        )
        submit_general_onboarding(provider)
        group.provider_ids.append(provider.pk)


def first_tries_done(*, idle: bool) -> None:
    """Wait until every email so far has had its first attempt, so the next fault meets its own
    wave (the table counts per wave). With `idle`, also until no sender holds one; after the
    kills their leases stay behind, so instead give the sends in flight a moment to end."""

    def done() -> bool:
        unsent = OutboxEmail.objects.filter(sent_at__isnull=True, failed_at__isnull=True)
        busy = idle and unsent.filter(claimed_until__gt=timezone.now()).exists()
        return not busy and not unsent.filter(attempts=0).exists()

    # Generous: on a loaded 2-core machine a wave after the kills can take well over a minute.
    wait_for(done, timeout=150, what="the first attempt of every email so far")
    if not idle:
        time.sleep(1)


def fault_table(rows: list[dict]) -> str:
    columns = ["fault", "injected", "expected", "delivered", "refused", "duplicated", "lost", "late"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(row[column]) for column in columns) + " |" for row in rows]
    return "\n".join(lines)


def second_copies_by_cause(groups: dict[str, Group], deliveries) -> tuple[collections.Counter, list[str]]:
    """Match every second copy to the injected fault that opened the documented window for it:
    a stall after the message on that address, or a kill or dropped connection within
    CAUSE_WINDOW after the server took the first copy. What matches nothing is unexplained."""
    first, copies = {}, collections.Counter()
    for delivery in deliveries:
        first.setdefault(delivery.message_id, delivery)
        copies[delivery.message_id] += 1
    injections = sorted((at, group.key) for group in groups.values() for at in group.at)
    causes, unexplained = collections.Counter(), []
    for message_id, count in copies.items():
        if count < 2:
            continue
        copy = first[message_id]
        if copy.to.startswith("stall-data-"):
            cause = "stall-data"
        else:
            cause = next((key for at, key in injections if copy.at <= at <= copy.at + CAUSE_WINDOW), None)
        if cause is None:
            unexplained.append(f"{copy.to} {message_id}")
        else:
            causes[cause] += count - 1
    return causes, unexplained


def group_figures(
    group: Group, *, received, first_receipt, second_copies, refused_in_admin, on_the_board
) -> tuple[dict, list[str]]:
    """One line of the table, and what in it breaks a promise. The wave's own emails, except
    "duplicated": the second copies this fault caused, whichever wave's emails they were."""
    problems = []
    rows = list(OutboxEmail.objects.filter(provider_id__in=group.provider_ids))
    # Two emails per provider were queued, none fewer.
    if len(rows) != 2 * len(group.provider_ids):
        problems.append(f"{group.fault}: {len(rows)} rows for {len(group.provider_ids)} providers")
    delivered = [row for row in rows if received[row.message_id]]
    refused = [row for row in rows if row.failed_at and row.last_error.startswith(REFUSED)]
    lost = [row for row in rows if row not in delivered and row not in refused]
    late = [row for row in delivered if first_receipt[row.message_id] > row.due_at]
    if group.refused:
        board_urls = {reverse("admin:onboarding_outboxemail_change", args=[row.pk]) for row in refused}
        problems += [
            message
            for broken, message in [
                (bool(delivered) or len(refused) != len(rows), "not every email refused, or one delivered"),
                (any(row.attempts != 1 for row in refused), "a refusal was retried"),
                (
                    not {row.pk for row in refused} <= refused_in_admin,
                    "missing from the admin Refused filter",
                ),
                (not board_urls <= on_the_board, "missing from the SLA board"),
            ]
            if broken
        ]
    elif refused:
        problems.append(f"{group.fault}: {len(refused)} refused without a 5xx")
    if lost:
        problems.append(f"{group.fault}: lost {[row.pk for row in lost]}")
    if late:
        problems.append(f"{group.fault}: delivered after due_at {[row.pk for row in late]}")
    figures = {
        "fault": group.fault,
        "injected": group.injected,
        "expected": len(rows),
        "delivered": len(delivered),
        "refused": len(refused),
        "duplicated": second_copies[group.key],
        "lost": len(lost),
        "late": len(late),
    }
    return figures, [p if p.startswith(group.fault) else f"{group.fault}: {p}" for p in problems]


def test_no_email_is_lost_and_duplicates_stay_in_the_documented_window(
    tmp_path, celery_broker, admin_client, capsys
):
    started = time.monotonic()
    ARTIFACTS.mkdir(exist_ok=True)
    db = connection.settings_dict
    groups = {
        key: Group(fault, key, **options)
        for key, fault, options in [
            ("none", "none (baseline)", {}),
            ("refused", "SMTP 5xx, permanent", {"refused": True}),
            ("deferred", "SMTP 4xx, then accepted", {}),
            ("stall-rcpt", "SMTP stall before the message", {}),
            ("stall-data", "SMTP stall after the message (reply lost)", {"may_duplicate_per_fault": 1}),
            ("stall-all", "SMTP stall of every session, 6 s", {}),
            ("child-kill", "worker child SIGKILL", {"may_duplicate_per_fault": 1}),
            ("worker-kill", "whole worker SIGKILL, restart", {"may_duplicate_per_fault": CONCURRENCY}),
            ("redis", "Redis stop and restart", {}),
            # A dropped connection duplicates only if "mark sent" fails through every reconnect.
            ("db-drop", "pg_terminate_backend (worker)", {"may_duplicate_per_fault": 1}),
        ]
    }

    with SmtpSink() as sink, contextlib.ExitStack() as processes:
        private_redis = PrivateRedis(tmp_path / "redis.log")
        private_redis.start()
        processes.callback(private_redis.stop)
        application_name = f"alma-email-faults-{sink.port}"
        env = {
            **os.environ,  # the suite's clock shift (ALMA_TEST_CLOCK_*) included
            "DJANGO_SETTINGS_MODULE": "tests.email_faults_settings",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
            f"?application_name={application_name}",
            "DATABASE_CONN_MAX_AGE": "60",  # as in production: connections outlive a task
            "CELERY_BROKER_URL": private_redis.url,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink.port),
            "EMAIL_TIMEOUT": str(EMAIL_TIMEOUT),
            "OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
            "CELERY_TASK_SOFT_TIME_LIMIT": "12",
            "CELERY_TASK_TIME_LIMIT": "15",
        }
        worker = CeleryProcess(
            ["worker", "--pool=prefork", f"--concurrency={CONCURRENCY}", "--without-gossip",
             "--without-mingle", "--without-heartbeat", "-l", "info"],
            env=env, log=ARTIFACTS / "email-faults-worker.log", ready="ready.",
        )  # fmt: skip
        beat = CeleryProcess(
            ["beat", "-l", "info", "--schedule", str(tmp_path / "beat-schedule")],
            env=env, log=ARTIFACTS / "email-faults-beat.log", ready="beat: Starting",
        )  # fmt: skip
        for log in (worker.log, beat.log):
            log.unlink(missing_ok=True)
        worker.start()
        processes.callback(worker.stop)
        beat.start()
        processes.callback(beat.stop)

        with celery_broker(private_redis.url):
            queue_providers(groups["none"], 40)

            for group, arrange in [
                (groups["refused"], lambda a: sink.refuse(a, code=550, text="5.1.1 No such user")),
                (groups["deferred"], lambda a: sink.defer(a, times=2)),
                (groups["stall-rcpt"], lambda a: sink.hang(a, seconds=STALL, stage="rcpt")),
                (groups["stall-data"], lambda a: sink.hang(a, seconds=STALL, stage="data")),
            ]:
                count = {"refused": 12, "deferred": 20, "stall-rcpt": 6, "stall-data": 4}[group.key]
                for index in range(count):
                    arrange(f"{group.key}-{index}@faults.test")
                group.injected = count
                queue_providers(group, count)

            # Each fault below meets only its own wave: what came before has had its first try.
            first_tries_done(idle=True)
            sink.hang_everyone(for_seconds=6, stall=STALL)
            groups["stall-all"].injected = 1
            queue_providers(groups["stall-all"], 20)
            time.sleep(6)
            first_tries_done(idle=True)

            # From here the "250" comes 0.4 s after the message is taken, so a kill is likely to
            # hit a sender between the two: the window for a second copy, made wide on purpose.
            sink.slow_everyone(for_seconds=12, delay=0.4)
            kills = groups["child-kill"]
            for half in (0, 15):
                queue_providers(kills, 15, first=half)
                worker.kill_one_child()
                kills.injected += 1
                kills.at.append(time.monotonic())
                time.sleep(1)

            first_tries_done(idle=False)  # the kills above leave leases behind
            crash = groups["worker-kill"]
            sink.slow_everyone(for_seconds=4, delay=0.4)
            queue_providers(crash, 10)
            worker.kill_all()
            crash.injected = 1
            crash.at.append(time.monotonic())
            queue_providers(crash, 20, first=10)  # published to a broker nobody consumes
            worker.start()

            first_tries_done(idle=False)
            outage = groups["redis"]
            private_redis.stop()
            outage.injected = 1
            queue_providers(outage, 20)  # publishing fails: the rows wait for the sweep
            time.sleep(3)
            private_redis.start()

            first_tries_done(idle=False)
            drops = groups["db-drop"]
            for index in range(0, 30, 3):
                queue_providers(drops, 3, first=index)
                if terminated := terminate_worker_connections(application_name):
                    drops.injected += terminated
                    drops.at.append(time.monotonic())
                time.sleep(0.3)

            wave_seconds = time.monotonic() - started
            expected_ids = set(OutboxEmail.objects.values_list("pk", flat=True))

            def settled() -> bool:
                unsettled = OutboxEmail.objects.filter(pk__in=expected_ids, sent_at__isnull=True)
                return not unsettled.filter(failed_at__isnull=True).exists()

            try:
                wait_for(settled, timeout=SETTLE_SECONDS, what="every email sent or failed")
            except AssertionError as error:
                raise AssertionError(f"{error}\n--- worker log ---\n{worker.tail()}") from error
            time.sleep(2)  # a copy still on the wire is counted too
        processes.close()  # beat, worker, Redis stop before the database is emptied
    total_seconds = time.monotonic() - started

    received = sink.message_ids()
    first_receipt = {}
    for delivery in sink.snapshot():
        first_receipt.setdefault(delivery.message_id, delivery.received_at)
    possible_duplicates = set(
        outbox_possible_duplicates(OutboxEmail.objects.all()).values_list("pk", flat=True)
    )
    refused_in_admin = set(
        admin_client.get(reverse("admin:onboarding_outboxemail_changelist") + "?delivery=refused")
        .context["cl"]
        .queryset.values_list("pk", flat=True)
    )
    on_the_board = {p.admin_url for p in sla_board().overdue if "Refused by the mail server" in p.what}

    second_copies, unexplained = second_copies_by_cause(groups, sink.snapshot())
    table, problems = [], [f"a second copy no injected fault explains: {u}" for u in unexplained]
    problems += [
        f"{group.fault}: {second_copies[group.key]} second copies from {group.injected} faults"
        for group in groups.values()
        if second_copies[group.key] > group.injected * group.may_duplicate_per_fault
    ]
    rows_by_message_id = {row.message_id: row for row in OutboxEmail.objects.all()}
    problems += [
        f"a second copy of {message_id} whose row is not among the possible duplicates"
        for message_id, count in received.items()
        if count > 1 and rows_by_message_id[message_id].pk not in possible_duplicates
    ]
    for group in groups.values():
        row, group_problems = group_figures(
            group,
            received=received,
            first_receipt=first_receipt,
            second_copies=second_copies,
            refused_in_admin=refused_in_admin,
            on_the_board=on_the_board,
        )
        table.append(row)
        problems += group_problems
    total_duplicates = sum(row["duplicated"] for row in table)
    duplicate_bound = sum(g.injected * g.may_duplicate_per_fault for g in groups.values())
    table.append(
        {
            "fault": "**all**",
            "injected": sum(g.injected for g in groups.values()),
            "expected": sum(r["expected"] for r in table),
            "delivered": sum(r["delivered"] for r in table),
            "refused": sum(r["refused"] for r in table),
            "duplicated": total_duplicates,
            "lost": sum(r["lost"] for r in table),
            "late": sum(r["late"] for r in table),
        }
    )
    providers = sum(len(g.provider_ids) for g in groups.values())
    report = (
        f"{providers} providers, {table[-1]['expected']} emails; prefork worker x{CONCURRENCY}, beat sweep "
        f"every 3 s, EMAIL_TIMEOUT {EMAIL_TIMEOUT} s, lease {LEASE_SECONDS} s. Faults injected over "
        f"{wave_seconds:.0f} s; everything settled after {total_seconds:.0f} s. Second copies allowed "
        f"by the faults injected: at most {duplicate_bound}; received: {total_duplicates}, each matched to "
        "the fault that caused it. Per line: the emails queued during that fault's wave; "
        "'duplicated' = second copies that fault caused (a kill or drop can hit any wave's email "
        "in flight).\n\n" + fault_table(table) + "\n"
    )
    (ARTIFACTS / "email-faults.md").write_text(report)
    # Every message the SMTP server took, in order: seconds into the run, recipient, Message-ID.
    (ARTIFACTS / "email-faults-deliveries.tsv").write_text(
        "".join(f"{d.at - started:.3f}\t{d.to}\t{d.message_id}\n" for d in sink.snapshot())
    )
    with capsys.disabled():
        sys.stdout.write("\n" + report)

    assert providers >= 200
    assert total_duplicates <= duplicate_bound
    assert problems == []
