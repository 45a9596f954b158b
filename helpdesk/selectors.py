"""Reads the help pages and admin need, with their queries kept in one place."""

from datetime import datetime, timedelta

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from alma.timekeeping import company_calendar
from helpdesk.models import Ticket, TicketMessage, TicketStatus
from onboarding.models import Provider

BUSINESS_DAY = timedelta(days=1)  # 24 business hours (alma.business_days)


def tickets_of(provider: Provider) -> QuerySet[Ticket]:
    """The provider's tickets, most recent activity first, with their message counts (one query)."""
    return (
        Ticket.objects.filter(provider=provider)
        .annotate(message_count=Count("messages"))
        .order_by("-last_activity_at", "-pk")
    )


def ticket_of(provider: Provider, ticket_id: int) -> Ticket:
    """One of the provider's own tickets with its conversation; 404 for anyone else's."""
    messages = TicketMessage.objects.select_related("author").order_by("created_at", "pk")
    tickets = Ticket.objects.filter(provider=provider).prefetch_related(
        Prefetch("messages", queryset=messages)
    )
    return get_object_or_404(tickets, pk=ticket_id)


def waiting_time(ticket: Ticket, now: datetime) -> timedelta | None:
    """Business time the ticket has waited for Alma's answer (None unless it is open)."""
    if ticket.status != TicketStatus.OPEN or ticket.waiting_since is None:
        return None
    return company_calendar().business_time_between(ticket.waiting_since, now)


def is_overdue(ticket: Ticket, now: datetime) -> bool:
    """The same rule as Ticket.objects.unanswered_past_due, for a row already in memory."""
    return (
        ticket.status == TicketStatus.OPEN and ticket.reply_due_at is not None and ticket.reply_due_at < now
    )
