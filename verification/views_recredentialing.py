"""The provider's "Confirm your credentialing details" page (recredentialing): thin, over
verification.services.recredentialing."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from onboarding.decorators import provider_required
from verification.selectors.recredentialing import attestation_for, details_on_file, open_recredentialing
from verification.services.recredentialing import RecredentialingNotOpen, recredentialing_attest


@provider_required
@require_http_methods(["GET", "POST"])
def confirm_details(request, provider):
    today = timezone.localdate()
    if request.method == "POST":
        try:
            recredentialing_attest(provider=provider, actor=request.user)
        except RecredentialingNotOpen as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                "Thank you: you confirmed your details are still right. "
                "We'll verify them with their sources and email you the committee's decision.",
            )
        return redirect("verification:confirm_details")
    status = open_recredentialing(provider, today=today)
    context = {
        "provider": provider,
        "status": status,
        "open": status is not None and status.standing in {"due_soon", "past_due"},
        "details": details_on_file(provider),
        "attestation": attestation_for(provider, status.due_on) if status is not None else None,
    }
    return render(request, "verification/confirm_details.html", context)
