from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "verification"
    verbose_name = "Verification"

    def ready(self) -> None:
        # Imported here: these modules load models, which exist only once the apps are ready.
        from onboarding import email_kinds  # noqa: PLC0415
        from verification import emails, receivers  # noqa: F401, PLC0415

        email_kinds.register(*emails.KINDS)
