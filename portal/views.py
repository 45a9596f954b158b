"""The signed-in provider's front door: where / sends each user, and the Onboarding Dashboard."""

from django.shortcuts import redirect, render

from directory.views import front_door
from onboarding.decorators import provider_required
from portal import dashboard as onboarding_dashboard


def home(request):
    if not request.user.is_authenticated:
        # Visitors land on the public directory's front door (providers sign in from there).
        return front_door(request)
    if request.user.is_staff:
        return redirect("admin:index")
    return redirect("portal:dashboard")


@provider_required(fetch=onboarding_dashboard.provider_for_dashboard)  # all it reads, in one query
def dashboard(request, provider):
    """The Onboarding Dashboard (Onboarding, later Explore > Alma Basics): always the signed-in
    provider's own; staff and accounts without a provider get 404."""
    return render(
        request,
        "onboarding/dashboard.html",
        {"provider": provider, "board": onboarding_dashboard.build_dashboard(provider)},
    )
