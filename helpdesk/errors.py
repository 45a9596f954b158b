"""Domain errors raised by helpdesk services; views and admin turn them into messages."""


class TicketError(Exception):
    """A request the help ticket rules refuse; the message is safe to show."""


class InvalidTicketTransition(TicketError):
    """The ticket cannot move from its status to the one asked for (e.g. answering a closed ticket)."""


class NotStaff(TicketError):
    """Only Alma staff answer tickets and take assignments."""
