"""The provider portal's Insurance & Directories page: thin views over credentialing services."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from credentialing import selectors
from credentialing.errors import CredentialingError
from credentialing.models import ApplicationStatus, Payer, PayerApplication, Program
from credentialing.services import applications as services
from credentialing.unenrolling import consequences_of_unenrolling
from onboarding.decorators import provider_required


def _back_to(payer: Payer):
    # Back to the payer's card, so on a phone the provider lands where they were.
    return redirect(f"{reverse('insurance:overview')}#payer-{payer.slug}")


@provider_required
def overview(request, provider):
    return render(
        request,
        "credentialing/insurance_directories.html",
        {"provider": provider, "overview": selectors.insurance_overview(provider)},
    )


@provider_required
@require_POST
def request_credentialing(request, provider, payer_slug: str):
    payer = get_object_or_404(Payer, slug=payer_slug)
    try:
        services.application_request(provider=provider, payer=payer, actor=request.user)
    except CredentialingError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"Credentialing with {payer} requested. We'll prepare your application and submit it to "
            f"{payer}; payers usually decide within {selectors.DECISION_DAYS} days of submission.",
        )
    return _back_to(payer)


@provider_required
@require_http_methods(["GET", "POST"])
def unenroll(request, provider, payer_slug: str):
    """GET shows what unenrolling means; only the POST from that page (with its CSRF token) acts."""
    application = get_object_or_404(
        PayerApplication.objects.select_related("payer"), provider=provider, payer__slug=payer_slug
    )
    payer = application.payer
    if request.method == "POST":
        try:
            services.application_withdraw(application=application, actor=request.user)
        except CredentialingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"You have unenrolled from {payer}. We've emailed you what it changes.")
        return _back_to(payer)
    if not services.can_move(application.status, ApplicationStatus.WITHDRAWN):
        messages.info(request, f"There is nothing to unenroll from with {payer}.")
        return _back_to(payer)
    context = {
        "provider": provider,
        "application": application,
        "payer": payer,
        # What it will do, as its email will say it did: the roster and the directory profile too.
        "consequences": consequences_of_unenrolling(application, today=timezone.localdate()),
    }
    return render(request, "credentialing/insurance_directories/unenroll_confirm.html", context)


@provider_required
@require_POST
def enroll(request, provider, program_id: int):
    program = get_object_or_404(Program.objects.select_related("payer"), pk=program_id)
    try:
        services.program_enroll(provider=provider, program=program, actor=request.user)
    except CredentialingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"You are enrolled in {program}.")
    return _back_to(program.payer)


@provider_required
@require_POST
def leave(request, provider, program_id: int):
    program = get_object_or_404(Program.objects.select_related("payer"), pk=program_id)
    try:
        services.program_leave(provider=provider, program=program, actor=request.user)
    except CredentialingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"You have left {program}.")
    return _back_to(program.payer)
