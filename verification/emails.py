"""The emails verification sends (onboarding.email_kinds), registered in VerificationConfig.ready().

- the credentialing decision's notice to the provider (NCQA: within 30 days of the decision),
  queued by verification.services.decisions with the decision, key "decision-<id>";
- the recredentialing reminders 120, 90 and 30 days before the due date, one to the provider
  and one to the credentialing team (settings.CREDENTIALING_TEAM_EMAIL), key
  "<due date>:<days>" (verification.recredentialing.reminder_key), queued by the daily sweep.
"""

from django.conf import settings
from django.urls import reverse

from onboarding.email_kinds import EmailKind
from onboarding.models import Provider

CREDENTIALING_DECISION = "credentialing_decision"
RECREDENTIALING_REMINDER = "recredentialing_reminder"
RECREDENTIALING_REMINDER_STAFF = "recredentialing_reminder_staff"


def _dashboard(provider: Provider) -> str:
    return f"{settings.SITE_URL}{reverse('portal:dashboard')}"


def _confirm_details(provider: Provider) -> str:
    return f"{settings.SITE_URL}{reverse('verification:confirm_details')}"


def _provider_in_admin(provider: Provider) -> str:
    return f"{settings.SITE_URL}{reverse('admin:onboarding_provider_change', args=[provider.pk])}"


KINDS: tuple[EmailKind, ...] = (
    EmailKind(
        code=CREDENTIALING_DECISION,
        label="Credentialing decision",
        action_url=_dashboard,
        timeline="the credentialing committee's decision",
    ),
    EmailKind(
        code=RECREDENTIALING_REMINDER,
        label="Recredentialing reminder",
        action_url=_confirm_details,
        timeline="your recredentialing is coming up",
        bulk=True,
    ),
    EmailKind(
        code=RECREDENTIALING_REMINDER_STAFF,
        label="Recredentialing reminder (to the credentialing team)",
        action_url=_provider_in_admin,
        timeline="recredentialing reminder to our credentialing team",
        bulk=True,
        staff_notice=True,
    ),
)
