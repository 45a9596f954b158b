"""Help tickets: every write and state change (PRODUCT.md, "a Help button on every page").

A ticket moves open -> answered -> closed; a provider's follow-up moves it back to open (from
answered or closed). Each move is checked against TRANSITIONS, saved with update_fields and
recorded as a TicketEvent (who, when, from, to); so is each assignment. Every message, the
provider's and staff's, is a TicketMessage row. Emails go through the onboarding outbox in the
transaction that earns them: the confirmation when a ticket is opened (round = the ticket id) and
each staff reply (round = the reply's message id), so each is sent exactly once.

While a ticket is open, `reply_due_at` holds Alma's promise, one business day after the
provider wrote (company calendar): the admin's "unanswered for over one business day" filter
and the overdue column read it.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User
from alma.timekeeping import one_business_day_after
from alma.transitions import TransitionTable
from alma.uploads import check_upload
from helpdesk import emails
from helpdesk.errors import InvalidTicketTransition, NotStaff
from helpdesk.models import Ticket, TicketEvent, TicketMessage, TicketStatus
from onboarding.models import Provider
from onboarding.services.outbox import outbox_enqueue

logger = logging.getLogger(__name__)

S = TicketStatus
NEW = ""  # the "from" of a ticket's first event
ATTACHMENT_KINDS = ("pdf", "png", "jpeg")
SUFFIXES = {"pdf": ".pdf", "png": ".png", "jpeg": ".jpg"}

TRANSITIONS = TransitionTable(
    {
        NEW: frozenset({S.OPEN}),
        S.OPEN: frozenset({S.ANSWERED, S.CLOSED}),
        S.ANSWERED: frozenset({S.OPEN, S.CLOSED}),
        S.CLOSED: frozenset({S.OPEN}),
    },
    error=InvalidTicketTransition,
)
_MOVE_WORDS: dict[str, str] = {S.OPEN: "reopened", S.ANSWERED: "answered", S.CLOSED: "closed"}


can_move = TRANSITIONS.can_move


def can_answer(status: str) -> bool:
    # A second staff reply to an answered ticket keeps it answered (no status change).
    return status == S.ANSWERED or can_move(status, S.ANSWERED)


def _lock(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update(of=("self",)).select_related("provider__user").get(pk=ticket.pk)


def _check_staff(user: User | None) -> None:
    if not (user and user.is_active and user.is_staff):
        raise NotStaff(f"{user} is not a member of Alma staff.")


def _message(
    ticket: Ticket,
    *,
    author: User,
    body: str,
    from_staff: bool,
    now: datetime,
    attachment: UploadedFile | None,
) -> TicketMessage:
    message = TicketMessage(ticket=ticket, author=author, from_staff=from_staff, body=body, created_at=now)
    if attachment:
        # Checked here too, not only by the form: the service is the last gate before storage.
        kind = check_upload(attachment, kinds=ATTACHMENT_KINDS)
        message.checked_suffix = SUFFIXES[kind]  # read by the upload path
        message.attachment = attachment
    message.save()
    return message


def _status_event(
    ticket: Ticket, *, from_status: str, to_status: str, actor: User | None, now: datetime, note: str = ""
) -> None:
    TicketEvent.objects.create(
        ticket=ticket,
        kind=TicketEvent.Kind.STATUS,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        note=note,
        occurred_at=now,
    )


def _move(
    ticket: Ticket, *, to_status: str, actor: User | None, now: datetime, changes: dict, note: str = ""
) -> None:
    """Move a locked ticket: check the transition, save the changed fields, record the event."""
    TRANSITIONS.check(
        ticket.status,
        to_status,
        message=lambda: (
            f"Ticket {ticket.reference} is {S(ticket.status).label.lower()}; "
            f"it cannot be {_MOVE_WORDS[to_status]}."
        ),
    )
    from_status = ticket.status
    ticket.status = to_status
    for name, value in changes.items():
        setattr(ticket, name, value)
    ticket.save(update_fields=["status", *changes])
    _status_event(ticket, from_status=from_status, to_status=to_status, actor=actor, now=now, note=note)


def _waiting(now: datetime) -> dict:
    return {"waiting_since": now, "reply_due_at": one_business_day_after(now), "last_activity_at": now}


def _ticket_url(ticket: Ticket) -> str:
    return f"{settings.SITE_URL}{reverse('helpdesk:detail', args=[ticket.pk])}"


def ticket_open(
    *,
    provider: Provider,
    category: str,
    subject: str,
    message: str,
    attachment: UploadedFile | None = None,
    page: str = "",
    now: datetime | None = None,
) -> Ticket:
    """The provider asks for help: the ticket, its first message, its history, a confirmation."""
    now = now or timezone.now()
    with transaction.atomic():
        ticket = Ticket.objects.create(
            provider=provider,
            category=category,
            subject=subject.strip(),
            page=page,
            status=S.OPEN,
            opened_at=now,
            **_waiting(now),
        )
        _message(ticket, author=provider.user, body=message, from_staff=False, now=now, attachment=attachment)
        _status_event(ticket, from_status=NEW, to_status=S.OPEN, actor=provider.user, now=now)
        outbox_enqueue(
            provider=provider,
            kind=emails.HELP_TICKET_RECEIVED,
            now=now,
            key=f"ticket-{ticket.pk}",
            context={
                "reference": ticket.reference,
                "subject": ticket.subject,
                "category": ticket.get_category_display(),
                "ticket_url": _ticket_url(ticket),
                "answer_by": date_format(timezone.localtime(ticket.reply_due_at), "l, M j, g:i A T"),
            },
        )
    logger.info("Help ticket %s opened by provider %s (%s)", ticket.pk, provider.pk, category)
    return ticket


def ticket_follow_up(
    *,
    ticket: Ticket,
    message: str,
    attachment: UploadedFile | None = None,
    now: datetime | None = None,
) -> TicketMessage:
    """The provider writes again; an answered or closed ticket goes back to open (waiting for Alma)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(ticket)
        provider_user = locked.provider.user
        posted = _message(
            locked, author=provider_user, body=message, from_staff=False, now=now, attachment=attachment
        )
        if locked.status == S.OPEN:
            # Still waiting for Alma: the clock keeps running from the first unanswered message.
            locked.last_activity_at = now
            locked.save(update_fields=["last_activity_at"])
        else:
            _move(
                locked,
                to_status=S.OPEN,
                actor=provider_user,
                now=now,
                changes={**_waiting(now), "closed_at": None},
                note="Reopened by the provider's follow-up.",
            )
    logger.info("Help ticket %s: provider follow-up", locked.pk)
    return posted


def ticket_assign(
    *, ticket: Ticket, assignee: User | None, actor: User | None, now: datetime | None = None
) -> Ticket:
    """Give the ticket to a member of staff (or to nobody, with assignee=None)."""
    now = now or timezone.now()
    if assignee is not None:
        _check_staff(assignee)
    with transaction.atomic():
        locked = _lock(ticket)
        if locked.assignee_id == getattr(assignee, "pk", None):
            return locked  # nothing changes, so nothing to record
        previous = locked.assignee
        locked.assignee = assignee
        locked.save(update_fields=["assignee"])
        TicketEvent.objects.create(
            ticket=locked,
            kind=TicketEvent.Kind.ASSIGNMENT,
            assignee=assignee,
            previous_assignee=previous,
            actor=actor,
            occurred_at=now,
        )
    return locked


def ticket_reply(*, ticket: Ticket, author: User, message: str, now: datetime | None = None) -> TicketMessage:
    """A member of staff answers; the provider gets the reply by email. An unassigned ticket
    becomes the replier's."""
    now = now or timezone.now()
    _check_staff(author)
    with transaction.atomic():
        locked = _lock(ticket)
        if not can_answer(locked.status):
            raise InvalidTicketTransition(
                f"Ticket {locked.reference} is closed; it cannot be answered. "
                "The provider can reopen it by writing again."
            )
        reply = _message(locked, author=author, body=message, from_staff=True, now=now, attachment=None)
        changes = {"answered_at": now, "waiting_since": None, "reply_due_at": None, "last_activity_at": now}
        if locked.status == S.ANSWERED:
            for name, value in changes.items():
                setattr(locked, name, value)
            locked.save(update_fields=list(changes))
        else:
            _move(locked, to_status=S.ANSWERED, actor=author, now=now, changes=changes)
        if locked.assignee_id is None:
            locked.assignee = author
            locked.save(update_fields=["assignee"])
            TicketEvent.objects.create(
                ticket=locked,
                kind=TicketEvent.Kind.ASSIGNMENT,
                assignee=author,
                actor=author,
                note="Assigned to whoever answered first.",
                occurred_at=now,
            )
        outbox_enqueue(
            provider=locked.provider,
            kind=emails.HELP_TICKET_REPLY,
            now=now,
            key=f"reply-{reply.pk}",
            context={
                "reference": locked.reference,
                "subject": locked.subject,
                "reply": message,
                "ticket_url": _ticket_url(locked),
            },
        )
    logger.info("Help ticket %s answered by user %s", locked.pk, author.pk)
    return reply


def ticket_close(*, ticket: Ticket, actor: User, note: str = "", now: datetime | None = None) -> Ticket:
    now = now or timezone.now()
    _check_staff(actor)
    with transaction.atomic():
        locked = _lock(ticket)
        _move(
            locked,
            to_status=S.CLOSED,
            actor=actor,
            now=now,
            changes={"closed_at": now, "waiting_since": None, "reply_due_at": None, "last_activity_at": now},
            note=note,
        )
    return locked
