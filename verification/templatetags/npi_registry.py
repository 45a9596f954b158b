"""{% npi_registry_summary provider %}: the latest NPI registry check, for staff pages below
verification (the Insurance Form's admin page lives in credentialing and cannot import it)."""

from django import template
from django.urls import reverse

from verification.models import NpiRegistryCheck
from verification.selectors.npi import latest_npi_check

register = template.Library()


@register.inclusion_tag("verification/partials/npi_check_summary.html", takes_context=True)
def npi_registry_summary(context, provider) -> dict:
    check = latest_npi_check(provider)
    request = context.get("request")
    can_read = request is not None and request.user.has_perm("verification.view_npiregistrycheck")
    return {
        "check": check,
        "pending": check is None or check.status == NpiRegistryCheck.Status.PENDING,
        "raw_url": reverse("admin:verification_npiregistrycheck_change", args=[check.pk])
        if check is not None and can_read
        else "",
    }
