"""The emails the training sends (onboarding.email_kinds), registered in TrainingConfig.ready()."""

from onboarding.email_kinds import EmailKind
from training import links

WEBINAR = "webinar"

KINDS = (
    EmailKind(
        code=WEBINAR,
        label="Insurance Program Training Webinar and quiz",
        action_url=links.webinar_url,
        timeline="the Insurance Program Training Webinar and quiz",
    ),
)
