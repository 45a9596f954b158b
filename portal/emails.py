"""The emails of the portal layer (onboarding.email_kinds), registered in PortalConfig.ready():
the review of both forms, portal access and completion live here."""

from django.conf import settings
from django.urls import reverse

from credentialing.links import insurance_form_url
from onboarding import links
from onboarding.email_kinds import EmailKind
from training.links import webinar_url

GENERAL_ONBOARDING_CHANGES = "general_onboarding_changes"
INSURANCE_FORM_CHANGES = "insurance_form_changes"
PORTAL_ACCESS = "portal_access"
ONBOARDING_COMPLETE = "onboarding_complete"


def _sign_in_url(provider) -> str:
    return f"{settings.SITE_URL}{reverse('account_login')}"


# "Email me my onboarding link again" (portal.services.link_requests): one kind per link, so the
# button's link, staff's label and the timeline agree; one template, which reads `link`.
LINK_AGAIN_TEMPLATE = "emails/link_again"
LINK_AGAIN: dict[str, EmailKind] = {
    link: EmailKind(
        code=f"link_again_{link}",
        label=f"Link asked for again: {label}",
        action_url=action_url,
        timeline=f"{timeline}, as you asked",
        template=LINK_AGAIN_TEMPLATE,
    )
    for link, label, action_url, timeline in (
        (
            "general_onboarding",
            "General Onboarding form",
            lambda provider: links.form_url(provider, links.GENERAL_ONBOARDING),
            "your link to the General Onboarding form",
        ),
        ("insurance_form", "Insurance Form", insurance_form_url, "your link to the Insurance Form"),
        ("set_password", "set your password", links.set_password_url, "your link to set your password"),
        ("training", "training webinar and quiz", webinar_url, "your link to the training webinar and quiz"),
        # Both forms are with Alma's team: the link shows what the provider sent.
        (
            "in_review",
            "forms in review",
            lambda provider: links.form_url(provider, links.GENERAL_ONBOARDING),
            "where your forms stand",
        ),
        ("sign_in", "sign in", _sign_in_url, "how to sign in to the portal"),
    )
}

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
    *LINK_AGAIN.values(),
)
