"""The emails of the help desk (onboarding.email_kinds), registered in HelpdeskConfig.ready()."""

from django.conf import settings
from django.urls import reverse

from onboarding.email_kinds import EmailKind
from onboarding.models import Provider

HELP_TICKET_RECEIVED = "help_ticket_received"
HELP_TICKET_REPLY = "help_ticket_reply"


def _help_requests_url(provider: Provider) -> str:
    # A portal page behind sign-in (no token): the provider has a password by then.
    return f"{settings.SITE_URL}{reverse('helpdesk:list')}"


KINDS = (
    EmailKind(
        code=HELP_TICKET_RECEIVED,
        label="Help request received",
        action_url=_help_requests_url,
        timeline="we received your help request",
    ),
    EmailKind(
        code=HELP_TICKET_REPLY,
        label="Help request answered",
        action_url=_help_requests_url,
        timeline="an answer to your help request",
    ),
)
