"""What onboarding tells the apps above it, without knowing who listens.

general_onboarding_submitted(provider, now): sent inside the transaction of the first
submission of the General Onboarding form (the step that moves the provider to
GENERAL_ONBOARDING_SUBMITTED), with the provider row locked. A resubmission after a change
request sends nothing. Receivers: credentialing queues the Insurance Form email in the same
transaction (credentialing/receivers.py), so the email is committed with the step or not at all.
"""

from django.dispatch import Signal

general_onboarding_submitted = Signal()
