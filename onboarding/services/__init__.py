"""Every write and state transition of onboarding. Views, admin, commands and tasks call these."""

from onboarding.services.agreements import agreement_record
from onboarding.services.general_onboarding import (
    general_onboarding_save_draft,
    general_onboarding_submit,
)
from onboarding.services.outbox import outbox_deliver, outbox_enqueue, outbox_sweep
from onboarding.services.steps import step_advance

__all__ = [
    "agreement_record",
    "general_onboarding_save_draft",
    "general_onboarding_submit",
    "outbox_deliver",
    "outbox_enqueue",
    "outbox_sweep",
    "step_advance",
]
