"""Domain errors raised by practice services; views turn them into messages next to the field."""


class PracticeError(Exception):
    """A request the practice rules refuse; the message is safe to show."""


class InvalidBankDetails(PracticeError):
    """A routing or account number that cannot be right (the form checks first; this is the gate)."""


class InsuranceNotAllowed(PracticeError):
    """An insurance client on a payer the provider is not in network with today; says why and when."""


class ClientArchived(PracticeError):
    """An archived client edited, or a client archived or restored twice."""
