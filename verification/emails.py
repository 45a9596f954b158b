"""The emails verification sends (onboarding.email_kinds), registered in VerificationConfig.ready()."""

from onboarding.email_kinds import EmailKind

KINDS: tuple[EmailKind, ...] = ()
