"""Domain errors raised by directory services; views, admin and commands turn them into messages."""


class DirectoryError(Exception):
    """A request the directory rules refuse; the message is safe to show."""


class PublishDateRefused(DirectoryError):
    """A real publishing run for a day other than today (only a dry run may look ahead or back)."""


class ProfileNotReady(DirectoryError):
    """No profile yet: it is built once staff approve the General Onboarding form."""


class ProfileOffboarded(DirectoryError):
    """The provider has left: their profile cannot be edited, unhidden or published again."""


class NothingToReview(DirectoryError):
    """No bio edit is waiting for review (someone else decided it already)."""


class ReasonRequired(DirectoryError):
    """Hiding, offboarding or sending a bio back needs a reason the provider or staff can read."""


class ProfileNotFound(DirectoryError):
    """No live profile at this address (never built, not live yet, hidden or offboarded)."""


class ContactPaused(DirectoryError):
    """The provider has paused new-client contact: the profile takes no messages now."""


class ContactRateLimited(DirectoryError):
    """Too many messages from one address, or to one profile, in the last while."""
