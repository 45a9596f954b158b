"""Credentialing decisions recorded through the service, on a file made ready or stale at will.

The file's readiness (verification.file.file_readiness_for) is built from plain FileItems here,
so these tests do not depend on how the file is assembled (tests/verification/test_file_*.py
cover that); tests/verification/test_decisions.py also decides on a real file."""

import contextlib
import datetime as dt
from unittest import mock

from django.utils import timezone

from accounts.models import User
from tests.helpers import staff_user
from verification import file as verification_file
from verification.readiness import MAX_BACKDATE_DAYS, FileItem, file_readiness
from verification.services.decisions import decision_record

COMMITTEE_PERMISSIONS = ("verification.record_credentialing_decision",)


def committee_member(email: str = "committee@alma.test") -> User:
    found = User.objects.filter(email=email).first()
    return found or staff_user(email, *COMMITTEE_PERMISSIONS)


def file_items(*, verified_on: dt.date) -> list[FileItem]:
    return [
        FileItem("state_license:NY:R-081234", "NY LCSW licence R-081234", verified_on),
        FileItem("malpractice_history", "Malpractice-claims history (NPDB query)", verified_on),
    ]


@contextlib.contextmanager
def file_verified_on(verified_on: dt.date | None):
    """Every item of every provider's file verified on `verified_on` (None: nothing verified)."""

    def readiness(provider, today, decision_on=None):
        items = (
            file_items(verified_on=verified_on)
            if verified_on
            else [FileItem("state_license:NY:R-081234", "NY LCSW licence R-081234", None)]
        )
        return file_readiness(items, today=today, decision_on=decision_on)

    with mock.patch.object(verification_file, "file_readiness_for", readiness):
        yield


def decide(
    provider, *, outcome="approved", decided_on: dt.date, reason="Meets every criterion.", actor=None, **kw
):
    """A decision on a file verified the day before it, recorded on its day (at 16:00 UTC) when
    it lies further back than a decision may be backdated (verification.readiness)."""
    if "now" not in kw and (timezone.localdate() - decided_on).days > MAX_BACKDATE_DAYS:
        kw["now"] = dt.datetime.combine(decided_on, dt.time(16), tzinfo=dt.UTC)
    with file_verified_on(decided_on - dt.timedelta(days=1)):
        return decision_record(
            provider=provider,
            outcome=outcome,
            decided_on=decided_on,
            reason=reason,
            actor=actor or committee_member(),
            **kw,
        )
