"""Staff must use two-factor sign-in for the admin (STAFF_MFA_REQUIRED, on in production)."""

from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse


def passed_authenticator_step(request) -> bool:
    """Did THIS session prove the authenticator app (or a recovery code)?

    allauth writes a record per authentication step into the session, for the user it was
    made for: "mfa" after the code stage of sign-in or an MFA reauthentication. A device on
    the account proves nothing about a session made with the password alone.
    """
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


class StaffMfaRequiredMiddleware:
    """A member of staff is let into the admin only by a session that passed the authenticator
    step: the admin holds every provider's data, and a password alone is one phishing email
    away from it. Without an authenticator app they are sent to set one up; with one, to enter
    a code from it (allauth's MFA reauthentication, rate-limited like sign-in)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.STAFF_MFA_REQUIRED
            and request.path.startswith("/admin/")
            # Signing out never needs a code; the login door only redirects.
            and request.path not in (reverse("admin:logout"), reverse("admin:login"))
            and request.user.is_authenticated
            and request.user.is_staff
            and not passed_authenticator_step(request)
        ):
            if not Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists():
                messages.warning(
                    request, "Set up two-factor sign-in with an authenticator app to use the staff admin."
                )
                return redirect("mfa_activate_totp")
            messages.warning(request, "Enter a code from your authenticator app to open the staff admin.")
            return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
