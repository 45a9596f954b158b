"""The emails of the practice app (onboarding.email_kinds), registered in PracticeConfig.ready()."""

from django.conf import settings
from django.urls import reverse

from onboarding.email_kinds import EmailKind

PAYOUT_ACCOUNT_CHANGED = "payout_account_changed"

KINDS = (
    EmailKind(
        code=PAYOUT_ACCOUNT_CHANGED,
        label="Payouts account set or changed",
        # A portal page behind sign-in.
        action_url=lambda provider: f"{settings.SITE_URL}{reverse('practice:payouts')}",
        timeline="your payouts account was set or changed",
    ),
)
