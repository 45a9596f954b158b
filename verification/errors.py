"""Domain errors raised by verification services; views and admin turn them into messages."""


class VerificationError(Exception):
    """A request the credentialing-file rules refuse; the message is safe to show to staff."""


class DecisionNotPermitted(VerificationError):
    """The actor may not record a credentialing decision, or may not override a file's readiness."""


class DecisionDateRefused(VerificationError):
    """A decision dated in the future: a decision is recorded once it has been made."""


class ConfirmedExclusion(VerificationError):
    """An approval of a provider with a confirmed exclusion match: no override covers it."""


class FileNotReady(VerificationError):
    """A required item of the file is missing or stale on the decision date, and nobody with the
    override permission gave a written reason to decide anyway."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__("The credentialing file is not ready: " + "; ".join(reasons))


class DecisionDetailsMissing(VerificationError):
    """A decision without its reason, or an unknown outcome."""


class VerificationRefused(VerificationError):
    """A primary-source verification the rules refuse (a future date, a source that is not a
    primary source for that credential, evidence that is not a PDF or image). `field` names the
    form field it concerns, so the admin shows it there."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)
