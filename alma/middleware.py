"""Staff must use two-factor sign-in for the admin (STAFF_MFA_REQUIRED, on in production)."""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect


class StaffMfaRequiredMiddleware:
    """A member of staff without an authenticator app is sent to set one up before the admin
    opens: the admin holds every provider's data, and a password alone is one phishing email
    away from it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.STAFF_MFA_REQUIRED
            and request.path.startswith("/admin/")
            and request.user.is_authenticated
            and request.user.is_staff
            and not Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists()
        ):
            messages.warning(
                request, "Set up two-factor sign-in with an authenticator app to use the staff admin."
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
