from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "onboarding"
    verbose_name = "Onboarding"

    def ready(self) -> None:
        from onboarding import checks  # noqa: F401, PLC0415 - registers the startup checks
