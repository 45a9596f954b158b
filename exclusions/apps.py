from django.apps import AppConfig


class ExclusionsConfig(AppConfig):
    name = "exclusions"
    verbose_name = "Exclusion monitoring"

    def ready(self) -> None:
        # Imported here: these modules load models, which exist only once the apps are ready.
        from exclusions import emails, receivers  # noqa: F401, PLC0415
        from onboarding import email_kinds  # noqa: PLC0415

        email_kinds.register(*emails.KINDS)
