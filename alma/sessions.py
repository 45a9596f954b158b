"""Sessions that end: automatic sign-out after a while without activity, and for staff after a
fixed lifetime whatever they do.

HIPAA §164.312(a)(2)(iii) asks for automatic logoff; OWASP ASVS 3.3.2 for re-authentication
after 30 minutes idle or 12 hours in all. Staff sessions open every provider's data, so they
get the strict limits; providers get a working day's idle time (a long form in another tab).
The limits come from settings (SESSION_IDLE_TIMEOUT_MINUTES, SESSION_IDLE_TIMEOUT_STAFF_MINUTES,
SESSION_ABSOLUTE_TIMEOUT_STAFF_HOURS), read at every request so they can be changed in tests.

Times are `timezone.now()` seconds, kept in the session itself (JSON-safe numbers).
"""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils import timezone

SIGNED_IN_AT = "alma_signed_in_at"
LAST_ACTIVE_AT = "alma_last_active_at"
# Last activity is rewritten at most this often: most requests then save no session at all,
# at the cost of an idle limit that may run up to this much late.
ACTIVITY_RESOLUTION_SECONDS = 60


def _now() -> float:
    return timezone.now().timestamp()


def session_signed_in(request) -> None:
    """Start the clocks for a session that has just signed in (a `user_logged_in` receiver
    in accounts.receivers calls this for every sign-in, allauth's or Django's)."""
    now = _now()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_ACTIVE_AT] = now


def _limits(user) -> tuple[dt.timedelta, dt.timedelta | None]:
    """(idle limit, lifetime limit or None) for this user's sessions."""
    if user.is_staff:
        return (
            dt.timedelta(minutes=settings.SESSION_IDLE_TIMEOUT_STAFF_MINUTES),
            dt.timedelta(hours=settings.SESSION_ABSOLUTE_TIMEOUT_STAFF_HOURS),
        )
    return dt.timedelta(minutes=settings.SESSION_IDLE_TIMEOUT_MINUTES), None


def _words(limit: dt.timedelta) -> str:
    minutes = int(limit.total_seconds() // 60)
    if minutes % 60:
        return f"{minutes} minutes" if minutes != 1 else "1 minute"
    hours = minutes // 60
    return f"{hours} hours" if hours != 1 else "1 hour"


def session_end_reason(request) -> str | None:
    """Why this signed-in session is over, in words for the person, or None if it is not."""
    idle_limit, lifetime_limit = _limits(request.user)
    now = _now()
    signed_in_at = request.session[SIGNED_IN_AT]
    last_active_at = request.session.get(LAST_ACTIVE_AT, signed_in_at)
    if lifetime_limit is not None and now - signed_in_at >= lifetime_limit.total_seconds():
        return (
            f"For security, staff sessions end {_words(lifetime_limit)} after signing in. "
            "Please sign in again."
        )
    if now - last_active_at >= idle_limit.total_seconds():
        return f"You were signed out after {_words(idle_limit)} without activity. Please sign in again."
    return None


class SessionTimeoutMiddleware:
    """Signs out a session that has been idle too long or (staff) lived too long, then lets the
    request carry on as a signed-out one: a page that needs sign-in sends the person to it
    (with ?next=, and the reason shown there); an emailed form link still opens its form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            if SIGNED_IN_AT not in request.session:
                # Signed in before this middleware existed: its clocks start now.
                session_signed_in(request)
            elif reason := session_end_reason(request):
                logout(request)
                messages.info(request, reason)
            elif _now() - request.session.get(LAST_ACTIVE_AT, 0) >= ACTIVITY_RESOLUTION_SECONDS:
                request.session[LAST_ACTIVE_AT] = _now()
        return self.get_response(request)
