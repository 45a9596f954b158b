"""The Insurance Form's signed link (a kind of onboarding.links link, registered at app-ready time)."""

from onboarding import links
from onboarding.models import Provider

INSURANCE_FORM = "insurance-form"
URL_NAME = "credentialing:insurance_form"


def insurance_form_url(provider: Provider) -> str:
    return links.form_url(provider, INSURANCE_FORM)
