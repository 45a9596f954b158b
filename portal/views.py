"""The signed-in provider's front door: where / sends each user, and the Onboarding Dashboard."""

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from directory.views import front_door
from onboarding.decorators import provider_required
from onboarding.links import GenuineLink
from portal import dashboard as onboarding_dashboard
from portal.forms import FreshLinkForm, LinkRequestForm
from portal.services.link_requests import fresh_link_request, onboarding_link_request


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


def _link_request_answer(request, form: LinkRequestForm | None = None, *, sent: bool = False):
    # One template and one status for every answer: whether an address is known, or a limit was
    # reached, never shows (portal.services.link_requests).
    return render(request, "portal/link_request.html", {"form": form or LinkRequestForm(), "sent": sent})


@never_cache
def link_request(request):
    """ "Email me my onboarding link again": the form (also on Sign In and an invalid link's page)."""
    if request.method != "POST":
        return _link_request_answer(request)
    form = LinkRequestForm(request.POST)
    if not form.is_valid():
        return _link_request_answer(request, form)
    onboarding_link_request(
        email=form.cleaned_data["email"], client_ip=get_adapter(request).get_client_ip(request)
    )
    return _link_request_answer(request, sent=True)


@never_cache
@require_POST
def fresh_link(request):
    """ "Email me a fresh link" from an expired or replaced link's page (onboarding/link_error.html)."""
    form = FreshLinkForm(request.POST)
    if form.is_valid():
        fresh_link_request(
            link=GenuineLink(**form.cleaned_data), client_ip=get_adapter(request).get_client_ip(request)
        )
    # A tampered post gets the same answer as a genuine one.
    return _link_request_answer(request, sent=True)


def favicon(request):
    """/favicon.ico, which browsers ask for on their own: the portal's icon (static/favicon.svg)."""
    return redirect(static("favicon.svg"))


def server_error(request):
    """handler500: 500.html with only the support address, rendered without the request's
    context processors (the database or the session may be what failed)."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"support_email": settings.SUPPORT_EMAIL}))
