"""Sign-in events: the start of every session's clocks (alma.sessions). Those that move a
provider's onboarding (step 4, portal access) are received a layer up, in portal/receivers.py."""

from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from alma.sessions import session_signed_in


@receiver(auth_signals.user_logged_in, dispatch_uid="accounts.start_session_clocks")
def start_session_clocks(sender, request, user, **kwargs) -> None:
    # Django's own signal, sent by every sign-in (allauth's after its MFA stage, force_login):
    # the idle and lifetime limits of alma.sessions count from here.
    if request is not None and hasattr(request, "session"):
        session_signed_in(request)
