"""The emails exclusion monitoring sends (onboarding.email_kinds), registered in ready().

EXCLUSION_CONFIRMED goes to credentialing staff (settings.CREDENTIALING_TEAM_EMAIL), never to
the provider: queued by exclusions.services.case_confirm, one per case (key "case-<id>").
"""

from django.conf import settings
from django.urls import reverse

from onboarding.email_kinds import EmailKind
from onboarding.models import Provider

EXCLUSION_CONFIRMED = "exclusion_match_confirmed"


def _cases_of(provider: Provider) -> str:
    cases = reverse("admin:exclusions_exclusioncase_changelist")
    return f"{settings.SITE_URL}{cases}?provider__id__exact={provider.pk}"


KINDS: tuple[EmailKind, ...] = (
    EmailKind(
        code=EXCLUSION_CONFIRMED,
        label="Exclusion match confirmed (to credentialing staff)",
        action_url=_cases_of,
        timeline="credentialing staff were told of a confirmed exclusion match",
        bulk=True,
        staff_notice=True,
    ),
)
