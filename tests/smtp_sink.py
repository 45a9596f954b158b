"""A real SMTP server for tests: aiosmtpd on a free loopback port, in a thread of the test.

It records every message it accepts (recipient, Message-ID) and answers as told for chosen
addresses: refuse for good (5xx), defer (4xx) a number of times, or stall longer than the
sender's EMAIL_TIMEOUT. Django's SMTP backend talks to it exactly as to a real mail server.

Where a stall happens decides what it can cost:
- at RCPT, before the message is sent, the sender times out and nothing was delivered;
- after DATA, the message is taken and the reply is lost: the sender cannot know it was
  delivered and sends it again (the window every SMTP client has, RFC 1047);
- a slow "250" (slow_everyone) is no fault by itself, but a sender killed while it waits for
  one has had its message taken without knowing it.
"""

import asyncio
import collections
import contextlib
import datetime as dt
import email
import socket
import threading
import time
from dataclasses import dataclass

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Delivered:
    to: str
    message_id: str
    subject: str
    at: float  # time.monotonic(): real seconds, whatever a test does to the calendar
    received_at: dt.datetime  # the process's clock (shifted with the suite's), to compare with due_at


@dataclass
class Rule:
    kind: str  # "refuse", "defer" or "hang"
    stage: str = "rcpt"  # "rcpt" or "data"
    code: int = 550
    text: str = "5.1.1 Mailbox does not exist"
    times: int | None = None  # None: every time
    seconds: float = 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpSink:
    def __init__(self) -> None:
        self.port = free_port()
        self.delivered: list[Delivered] = []
        self.rcpt_attempts: collections.Counter[str] = collections.Counter()
        self._rules: dict[str, Rule] = {}
        self._hang_all: tuple[float, float, str] | None = None  # (until, seconds, stage)
        self._slow_all: tuple[float, float] | None = None  # (until, delay)
        self._lock = threading.Lock()
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    # What the server answers --------------------------------------------------------------
    def refuse(
        self, address: str, *, code: int = 550, text: str = "5.1.1 Mailbox does not exist", stage="rcpt"
    ):
        self._set(address, Rule("refuse", stage=stage, code=code, text=text))

    def defer(self, address: str, *, times: int, code: int = 451, text: str = "4.3.0 Try again later"):
        self._set(address, Rule("defer", code=code, text=text, times=times))

    def hang(self, address: str, *, seconds: float, times: int = 1, stage: str = "rcpt"):
        self._set(address, Rule("hang", stage=stage, seconds=seconds, times=times))

    def hang_everyone(self, *, for_seconds: float, stall: float, stage: str = "rcpt"):
        """Every session stalls `stall` seconds at `stage` for the next `for_seconds`."""
        with self._lock:
            self._hang_all = (time.monotonic() + for_seconds, stall, stage)

    def slow_everyone(self, *, for_seconds: float, delay: float):
        """For the next `for_seconds`, every accepted message gets its "250" `delay` seconds
        late (less than the sender's timeout): a sender killed meanwhile never hears it."""
        with self._lock:
            self._slow_all = (time.monotonic() + for_seconds, delay)

    def _reply_delay(self) -> float:
        with self._lock:
            if self._slow_all and time.monotonic() < self._slow_all[0]:
                return self._slow_all[1]
            return 0.0

    def _set(self, address: str, rule: Rule) -> None:
        with self._lock:
            self._rules[address.lower()] = rule

    # What it received ----------------------------------------------------------------------
    def message_ids(self) -> collections.Counter[str]:
        with self._lock:
            return collections.Counter(d.message_id for d in self.delivered)

    def snapshot(self) -> list[Delivered]:
        with self._lock:
            return list(self.delivered)

    # Life ----------------------------------------------------------------------------------
    def __enter__(self) -> "SmtpSink":
        self._controller.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._controller.stop()

    # Used by the handler, on the server's event loop ---------------------------------------
    def _rule_for(self, address: str, stage: str) -> Rule | None:
        with self._lock:
            if self._hang_all and time.monotonic() < self._hang_all[0] and self._hang_all[2] == stage:
                return Rule("hang", stage=stage, seconds=self._hang_all[1])
            rule = self._rules.get(address.lower())
            if rule is None or rule.stage != stage:
                return None
            if rule.times is not None:
                if rule.times <= 0:
                    return None
                rule.times -= 1
            return rule

    def _record(self, envelope) -> None:
        message = email.message_from_bytes(envelope.original_content)
        with self._lock:
            for to in envelope.rcpt_tos:
                self.delivered.append(
                    Delivered(
                        to,
                        message.get("Message-ID", ""),
                        message.get("Subject", ""),
                        time.monotonic(),
                        dt.datetime.now(dt.UTC),
                    )
                )


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook
        with self.sink._lock:
            self.sink.rcpt_attempts[address.lower()] += 1
        rule = self.sink._rule_for(address, "rcpt")
        if rule is not None:
            if rule.kind == "hang":
                await asyncio.sleep(rule.seconds)
                return "451 4.4.2 Timed out"  # the sender gave up long ago
            return f"{rule.code} {rule.text}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
        rules = [rule for to in envelope.rcpt_tos if (rule := self.sink._rule_for(to, "data"))]
        for rule in rules:
            if rule.kind == "hang":
                # Taken, then silent past the sender's timeout: delivered, but nobody heard.
                self.sink._record(envelope)
                await asyncio.sleep(rule.seconds)
                return "250 OK (too late)"
            return f"{rule.code} {rule.text}"
        self.sink._record(envelope)
        if delay := self.sink._reply_delay():
            await asyncio.sleep(delay)  # taken; the "250" follows a moment later
        return "250 OK"


@contextlib.contextmanager
def smtp_sink():
    with SmtpSink() as sink:
        yield sink
