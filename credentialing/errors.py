"""Domain errors raised by credentialing services; views and admin turn them into messages."""


class CredentialingError(Exception):
    """A request the credentialing rules refuse; the message is safe to show to the user."""


class InvalidApplicationTransition(CredentialingError):
    """A payer application cannot move from its current status to the one asked for."""


class DecisionDetailsMissing(CredentialingError):
    """An approval without an effective date, or a denial without a reason."""


class PayerNotAccepting(CredentialingError):
    """The payer is no longer active, so no new credentialing request can be made with it."""


class PayerNotApproved(CredentialingError):
    """A program needs its parent payer's application approved before the provider can enroll."""


class ProgramUnavailable(CredentialingError):
    """The program is no longer offered."""


class AlreadyEnrolled(CredentialingError):
    pass


class NotEnrolled(CredentialingError):
    pass
