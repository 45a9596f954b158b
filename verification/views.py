"""The signed-in provider's own credentialing file: thin, over verification.selectors."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from onboarding.decorators import provider_required
from verification.selectors.provider_file import provider_file


@provider_required
@require_GET
def my_file(request, provider):
    today = timezone.localdate()
    context = {"provider": provider, "file": provider_file(provider, today=today), "today": today}
    return render(request, "verification/my_file.html", context)
