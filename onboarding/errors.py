"""Domain errors raised by onboarding services; views turn them into messages."""


class OnboardingError(Exception):
    """A request the onboarding rules refuse; the message is safe to show."""


class InvalidTransition(OnboardingError):
    pass


class ProviderAlreadyExists(OnboardingError):
    pass


class FormAlreadySubmitted(OnboardingError):
    pass
