"""Exclusion monitoring's domain errors: each message says what to do, in plain words."""


class ExclusionError(Exception):
    """Something about exclusion monitoring refused; the message is for the operator or staff."""


class ListRefused(ExclusionError):
    """The file cannot be imported as it is (wrong header, truncated, empty, much shorter)."""


class UnknownSource(ExclusionError):
    """No parser is registered under this source key."""


class NoListImported(ExclusionError):
    """A run needs a full list of the source imported first."""


class ReasonRequired(ExclusionError):
    field = "reason"


class CaseAlreadyDecided(ExclusionError):
    """Only an open case is cleared or confirmed."""


class CaseNotPermitted(ExclusionError):
    """Only staff with exclusions.decide_exclusioncase clear or confirm a possible match."""
