"""Every write and state transition of onboarding. Views, admin, commands and tasks call these."""

from onboarding.services.agreements import agreement_record
from onboarding.services.completion import onboarding_complete_if_done
from onboarding.services.general_onboarding import (
    general_onboarding_save_draft,
    general_onboarding_submit,
)
from onboarding.services.outbox import outbox_deliver, outbox_enqueue, outbox_sweep
from onboarding.services.portal_access import portal_access_email_resend, portal_access_grant
from onboarding.services.review import form_approve, form_request_changes
from onboarding.services.steps import step_advance

__all__ = [
    "agreement_record",
    "form_approve",
    "form_request_changes",
    "general_onboarding_save_draft",
    "general_onboarding_submit",
    "onboarding_complete_if_done",
    "outbox_deliver",
    "outbox_enqueue",
    "outbox_sweep",
    "portal_access_email_resend",
    "portal_access_grant",
    "step_advance",
]
