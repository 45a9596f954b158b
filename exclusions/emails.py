"""The emails exclusion monitoring sends (onboarding.email_kinds), registered in ready()."""

from onboarding.email_kinds import EmailKind

KINDS: tuple[EmailKind, ...] = ()
