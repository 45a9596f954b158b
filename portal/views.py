"""The signed-in provider's front door: where / sends each user, and the Onboarding Dashboard."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from portal import dashboard as onboarding_dashboard


def home(request):
    if not request.user.is_authenticated:
        return redirect("account_login")
    if request.user.is_staff:
        return redirect("admin:index")
    return redirect("portal:dashboard")


@login_required
def dashboard(request):
    """The Onboarding Dashboard (Onboarding, later Explore > Alma Basics): always the signed-in
    provider's own; staff and accounts without a provider get 404."""
    provider = onboarding_dashboard.provider_for_dashboard(request.user)
    return render(
        request,
        "onboarding/dashboard.html",
        {"provider": provider, "board": onboarding_dashboard.build_dashboard(provider)},
    )
