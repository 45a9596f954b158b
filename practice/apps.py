from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "practice"
    verbose_name = "Practice (payouts and clients)"

    def ready(self) -> None:
        from onboarding import email_kinds  # noqa: PLC0415
        from practice import emails, receivers  # noqa: F401, PLC0415 - load models; receivers connect on import

        email_kinds.register(*emails.KINDS)
