"""The emails onboarding sends, declared for the outbox's registry (onboarding.email_kinds) and
registered in OnboardingConfig.ready(). Other apps declare theirs in their own emails.py."""

from onboarding import links
from onboarding.email_kinds import EmailKind

GENERAL_ONBOARDING = "general_onboarding"

KINDS = (
    EmailKind(
        code=GENERAL_ONBOARDING,
        label="General Onboarding form",
        action_url=lambda provider: links.form_url(provider, links.GENERAL_ONBOARDING),
        timeline="the General Onboarding form",
    ),
)
