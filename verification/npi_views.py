"""The Insurance Form's "Fill in from the NPI registry": JSON for static/verification/npi-prefill.js.

Reached by the same signed link as the form (credentialing's Insurance Form link, checked the same
way: onboarding.links.provider_for_link), so only the link's holder asks about their own form.
It writes nothing; the answer it gets is cached for a day (verification.npi_registry.client),
so the check made at submission usually costs no second request.
"""

import time

from django.core.cache import cache
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from credentialing import checks
from credentialing import links as credentialing_links
from onboarding import links
from onboarding.models import LicenseType
from verification.npi_registry import client
from verification.npi_registry.prefill import prefill_from

# Per provider: enough for a few typos, too few to use the form as a registry proxy.
LOOKUPS_PER_WINDOW = 10
WINDOW_SECONDS = 10 * 60


def _over_limit(provider_id: int) -> bool:
    key = f"verification:npi-prefill:{provider_id}:{int(time.time() // WINDOW_SECONDS)}"
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr: a new window has begun
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    return count > LOOKUPS_PER_WINDOW


def _answer(status: str, message: str, *, code: int = 200, **more) -> JsonResponse:
    return JsonResponse({"status": status, "message": message, **more}, status=code)


@never_cache
@require_GET
def npi_prefill(request, provider_id, token):  # noqa: PLR0911 - one answer per registry outcome
    try:
        provider = links.provider_for_link(
            provider_id=provider_id, form=credentialing_links.INSURANCE_FORM, token=token
        )
    except links.LinkError:
        return _answer("refused", "This link does not open this form.", code=403)
    npi = checks.npi_normalised(request.GET.get("npi", "").strip())
    if problem := checks.npi_problem(npi):
        return _answer("invalid", problem, code=400)
    if _over_limit(provider.pk):
        return _answer(
            "busy",
            "That is a lot of look-ups in a few minutes. Please wait a few minutes and try again.",
            code=429,
        )
    try:
        envelope = client.lookup(npi).envelope
    except client.RegistryUnavailable:
        return _answer(
            "unavailable",
            "The NPI registry is not answering right now. Please fill in your licences yourself; "
            "you can still submit the form.",
            code=503,
        )
    if envelope.errors:
        return _answer(
            "refused", "The NPI registry could not look up this number: " + envelope.errors[0].description
        )
    record = envelope.record
    if record is None:
        return _answer("not_found", f"The NPI registry has no NPI {npi}. Please check the number.")
    if record.is_organisation:
        return _answer(
            "organisation",
            f"NPI {npi} belongs to an organisation ({record.basic.organization_name}). "
            "Please give your own individual NPI (Type 1).",
        )
    prefill = prefill_from(record, preferred_license_type=provider.license_type)
    labels = dict(LicenseType.choices)
    licenses = [
        {**row, "license_type_label": str(labels.get(row["license_type"], ""))}
        for row in prefill.as_dict()["licenses"]
    ]
    message = "" if prefill.active else f"The registry lists NPI {npi} as not active. "
    return _answer("found", message, **{**prefill.as_dict(), "licenses": licenses})
