from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "onboarding"
    verbose_name = "Onboarding"

    def ready(self) -> None:
        # checks registers the startup checks on import; emails.py loads models (ready by now);
        # tasks registers the delivery tasks the outbox queues by name, in every process.
        from onboarding import checks, email_kinds, emails, tasks  # noqa: F401, PLC0415

        email_kinds.register(*emails.KINDS)
