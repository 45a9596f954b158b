"""The emails of the portal layer (onboarding.email_kinds), registered in PortalConfig.ready():
the review of both forms, portal access and completion live here."""

from django.conf import settings
from django.urls import reverse

from credentialing.links import insurance_form_url
from onboarding import links
from onboarding.email_kinds import EmailKind

GENERAL_ONBOARDING_CHANGES = "general_onboarding_changes"
INSURANCE_FORM_CHANGES = "insurance_form_changes"
PORTAL_ACCESS = "portal_access"
ONBOARDING_COMPLETE = "onboarding_complete"

KINDS = (
    EmailKind(
        code=GENERAL_ONBOARDING_CHANGES,
        label="Changes requested: General Onboarding form",
        action_url=lambda provider: links.form_url(provider, links.GENERAL_ONBOARDING),
        timeline="changes requested on your General Onboarding form",
    ),
    EmailKind(
        code=INSURANCE_FORM_CHANGES,
        label="Changes requested: Insurance Form",
        action_url=insurance_form_url,
        timeline="changes requested on your Insurance Form",
    ),
    EmailKind(
        code=PORTAL_ACCESS,
        label="Portal access: set your password",
        action_url=links.set_password_url,
        timeline="portal access: set your password",
    ),
    EmailKind(
        code=ONBOARDING_COMPLETE,
        label="Onboarding complete",
        action_url=lambda provider: f"{settings.SITE_URL}{reverse('home')}",
        timeline="your onboarding is complete",
    ),
)
