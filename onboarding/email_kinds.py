"""The email-kind registry: which emails the outbox can send, declared by the apps that send them.

The outbox (onboarding.services.outbox) knows no app. Each app declares its kinds in its own
`emails.py` (the code, the templates, the link of the email's button, the words of the
provider's timeline) and registers them in its AppConfig.ready(), the way django-oscar's
`communication` app treats an email kind as a code owned by its sender. An outbox row names its
kind by code (OutboxEmail.step, a plain column with no choices), and sending looks the kind up
here. So a new email touches only the app that sends it: no migration, nothing in onboarding.

    # helpdesk/emails.py
    TICKET_CLOSED = "help_ticket_closed"
    KINDS = (
        EmailKind(
            code=TICKET_CLOSED,
            label="Help request closed",
            action_url=lambda provider: f"{settings.SITE_URL}{reverse('helpdesk:list')}",
            timeline="we closed your help request",
        ),
    )
    # helpdesk/apps.py, in ready():  email_kinds.register(*emails.KINDS)
    # helpdesk/services.py, in the transition's transaction:
    #     outbox_enqueue(provider=..., kind=emails.TICKET_CLOSED, key=f"ticket-{ticket.pk}", now=now)

This module imports no model, so any app's emails.py can import it at module level.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from onboarding.models import Provider

# OutboxEmail.step is a CharField(max_length=40); codes are also template file names.
_CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")


class UnknownEmailKind(LookupError):
    """No installed app declares an email of this kind (a typo, or the app is not ready yet)."""


class EmailKindAlreadyRegistered(ValueError):
    """Two declarations of one code: each code belongs to exactly one app."""


@dataclass(frozen=True)
class EmailKind:
    # Stored in every outbox row of the kind (OutboxEmail.step): never renamed once rows carry it.
    code: str
    # What staff call it: the outbox admin's list and filter, the SLA board.
    label: str
    # The link of the email's button for this provider, built when the email is sent (so a form
    # link is fresh, and a resend after "send fresh links" carries the new one).
    action_url: Callable[[Provider], str]
    # The provider's dashboard timeline: "We emailed you: <timeline>".
    timeline: str
    # Where its templates are: <template>.subject.txt, <template>.txt and <template>.html, found by
    # the template loaders in the sending app's own templates/emails/. Default emails/<code>.
    template: str = ""
    # Queued many at a time by outbox_enqueue_many (one delivery task per batch, not per row).
    bulk: bool = False
    # Sent to staff about the provider (to_email=settings.CREDENTIALING_TEAM_EMAIL), not to the
    # provider: the provider's dashboard timeline and "next email" leave these kinds out.
    staff_notice: bool = False

    def __post_init__(self) -> None:
        if not _CODE.fullmatch(self.code):
            raise ValueError(f"Email kind code {self.code!r}: lower-case letters, digits and _, at most 40")
        if not self.template:
            object.__setattr__(self, "template", f"emails/{self.code}")


_KINDS: dict[str, EmailKind] = {}


def register(*kinds: EmailKind) -> None:
    """Declare email kinds; apps call it in AppConfig.ready(). A code registered twice is a
    programming error (two apps, or one app twice), refused before anything is queued."""
    for new in kinds:
        if new.code in _KINDS:
            raise EmailKindAlreadyRegistered(
                f"Email kind {new.code!r} is already registered ({_KINDS[new.code].label!r})"
            )
        _KINDS[new.code] = new


def unregister(code: str) -> None:
    """Forget a kind (tests that register one of their own clean up with it)."""
    _KINDS.pop(code, None)


def kind(code: str) -> EmailKind:
    try:
        return _KINDS[code]
    except KeyError:
        raise UnknownEmailKind(f"No installed app declares the email kind {code!r}") from None


def kinds() -> tuple[EmailKind, ...]:
    """Every registered kind, in registration order (app order in INSTALLED_APPS)."""
    return tuple(_KINDS.values())


def staff_notice_codes() -> frozenset[str]:
    """The codes of the kinds sent to staff rather than to the provider (no query)."""
    return frozenset(code for code, found in _KINDS.items() if found.staff_notice)


def label(code: str) -> str:
    """Staff's name for a kind; the bare code for rows of a kind no installed app declares."""
    found = _KINDS.get(code)
    return found.label if found is not None else code


def timeline(code: str) -> str:
    """The provider's words for an email of this kind ("We emailed you: <timeline>"); the bare
    code for rows of a kind no installed app declares."""
    found = _KINDS.get(code)
    return found.timeline if found is not None else code
